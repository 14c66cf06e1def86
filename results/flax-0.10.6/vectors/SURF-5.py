"""Replay SURF-5 on flax through nnxspec (exits 1 while the law fails)."""
# (a plain-API reproducer was not available: NoPlainStep: SURF-5 has no plain-API step writer)
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
      "k0",
      {
       "node": 1
      }
     ],
     [
      "k16",
      {
       "var": 0
      }
     ],
     [
      "k48",
      {
       "var": 1
      }
     ],
     [
      "k80",
      {
       "var": 2
      }
     ],
     [
      "k112",
      {
       "var": 3
      }
     ],
     [
      "k144",
      {
       "var": 4
      }
     ],
     [
      "k176",
      {
       "var": 5
      }
     ],
     [
      "k208",
      {
       "var": 6
      }
     ],
     [
      "k240",
      {
       "var": 7
      }
     ],
     [
      "k272",
      {
       "var": 8
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [],
    "kind": "module"
   }
  ],
  "variables": [
   {
    "dtype": "float32",
    "metadata": [],
    "seed": 0,
    "shape": [],
    "type": "Param"
   },
   {
    "dtype": "float32",
    "metadata": [],
    "seed": 1,
    "shape": [],
    "type": "Param"
   },
   {
    "dtype": "float32",
    "metadata": [],
    "seed": 2,
    "shape": [],
    "type": "Param"
   },
   {
    "dtype": "float32",
    "metadata": [],
    "seed": 3,
    "shape": [],
    "type": "Param"
   },
   {
    "dtype": "float32",
    "metadata": [],
    "seed": 4,
    "shape": [],
    "type": "Param"
   },
   {
    "dtype": "float32",
    "metadata": [],
    "seed": 5,
    "shape": [],
    "type": "Param"
   },
   {
    "dtype": "float32",
    "metadata": [],
    "seed": 6,
    "shape": [],
    "type": "Param"
   },
   {
    "dtype": "float32",
    "metadata": [],
    "seed": 7,
    "shape": [],
    "type": "Param"
   },
   {
    "dtype": "float32",
    "metadata": [],
    "seed": 8,
    "shape": [],
    "type": "Param"
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
    law_by_id('SURF-5'), resolve_target('flax'), Case.from_data(CASE)
)
print(verdict, reason or "", error if error is not None else "")
sys.exit(1 if verdict == "fail" else 0)
