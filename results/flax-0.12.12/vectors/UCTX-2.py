"""Replay UCTX-2 on flax through nnxspec (exits 1 while the law fails)."""
# (a plain-API reproducer was not available: NoPlainStep: UCTX-2 has no plain-API step writer)
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
    "entries": [
     [
      "r",
      {
       "node": 1
      }
     ],
     [
      "u",
      {
       "node": 2
      }
     ],
     [
      "z",
      {
       "node": 3
      }
     ],
     [
      "x",
      {
       "node": 4
      }
     ],
     [
      "t",
      {
       "node": 5
      }
     ],
     [
      "g",
      {
       "node": 6
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [],
    "kind": "module"
   },
   {
    "entries": [],
    "kind": "module"
   },
   {
    "entries": [],
    "kind": "none"
   },
   {
    "entries": [
     [
      0,
      {
       "var": 0
      }
     ],
     [
      1,
      {
       "var": 0
      }
     ]
    ],
    "kind": "nnx_list"
   },
   {
    "entries": [],
    "kind": "module"
   },
   {
    "entries": [],
    "kind": "list"
   }
  ],
  "variables": [
   {
    "dtype": "float32",
    "metadata": [],
    "seed": 0,
    "shape": [],
    "type": "Param"
   }
  ]
 },
 "other": null,
 "program": {
  "$tuple": [
   {
    "$": "DeleteAttr",
    "key": 0,
    "node": {
     "$tuple": [
      "x"
     ]
    }
   }
  ]
 },
 "scale": 1.0
}""")

verdict, reason, error = check_case(
    law_by_id('UCTX-2'), resolve_target('flax'), Case.from_data(CASE)
)
print(verdict, reason or "", error if error is not None else "")
sys.exit(1 if verdict == "fail" else 0)
