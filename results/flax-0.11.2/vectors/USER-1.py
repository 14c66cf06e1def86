"""Replay USER-1 on flax through nnxspec (exits 1 while the law fails)."""
# (a plain-API reproducer was not available: NoPlainStep: USER-1 has no plain-API step writer)
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
      "a",
      {
       "node": 1
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 2
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 3
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 4
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 5
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 6
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 7
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 8
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 9
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 10
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 11
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 12
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 13
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 14
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 15
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 16
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 17
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 18
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 19
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 20
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 21
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 22
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 23
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 24
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 25
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 26
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 27
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 28
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 29
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 30
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 31
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 32
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 33
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 34
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 35
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 36
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 37
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 38
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 39
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 40
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 41
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 42
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 43
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 44
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 45
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 46
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 47
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 48
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 49
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 50
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 51
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 52
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 53
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 54
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 55
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 56
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 57
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 58
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 59
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 60
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 61
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 62
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 63
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 64
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 65
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 66
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 67
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 68
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 69
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 70
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 71
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 72
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 73
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 74
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 75
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 76
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 77
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 78
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 79
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 80
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 81
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 82
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 83
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 84
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 85
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 86
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 87
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 88
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 89
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 90
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 91
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 92
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 93
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 94
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 95
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 96
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 97
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 98
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 99
      }
     ]
    ],
    "kind": "module"
   },
   {
    "entries": [
     [
      "a",
      {
       "node": 100
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
  "variables": []
 },
 "other": null,
 "program": {
  "$tuple": []
 },
 "scale": 1.0
}""")

verdict, reason, error = check_case(
    law_by_id('USER-1'), resolve_target('flax'), Case.from_data(CASE)
)
print(verdict, reason or "", error if error is not None else "")
sys.exit(1 if verdict == "fail" else 0)
