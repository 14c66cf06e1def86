"""Replay ROB-17 on flax through nnxspec (exits 1 while the law fails)."""
# (a plain-API reproducer was not available: NoPlainStep: ROB-17 has no plain-API step writer)
import json
import sys

from spec.laws import Case, law_by_id
from spec.runner.engine import check_case
from spec.target import resolve_target

CASE = json.loads(r"""{
 "backend": null,
 "filters": {
  "$tuple": []
 },
 "graph": {
  "nodes": [
   {
    "entries": [],
    "kind": "module"
   }
  ],
  "variables": []
 },
 "hostile": {
  "$tuple": [
   {
    "$": "OddNodeKeys",
    "at": 0,
    "kinds": {
     "$tuple": []
    },
    "node": "graph",
    "unhashable": false
   }
  ]
 },
 "other": null,
 "program": {
  "$tuple": []
 },
 "scale": 1.0
}""")

verdict, reason, error = check_case(
    law_by_id('ROB-17'), resolve_target('flax'), Case.from_data(CASE)
)
print(verdict, reason or "", error if error is not None else "")
sys.exit(1 if verdict == "fail" else 0)
