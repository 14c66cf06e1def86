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
      "k1",
      {
       "static": 1
      }
     ],
     [
      "k2",
      {
       "static": 2
      }
     ],
     [
      "k3",
      {
       "static": 3
      }
     ],
     [
      "k4",
      {
       "static": 4
      }
     ],
     [
      "k5",
      {
       "static": 5
      }
     ],
     [
      "k6",
      {
       "static": 6
      }
     ],
     [
      "k7",
      {
       "static": 7
      }
     ],
     [
      "k8",
      {
       "static": 8
      }
     ],
     [
      "k9",
      {
       "static": 9
      }
     ],
     [
      "k10",
      {
       "static": 10
      }
     ],
     [
      "k11",
      {
       "static": 11
      }
     ],
     [
      "k12",
      {
       "static": 12
      }
     ],
     [
      "k13",
      {
       "static": 13
      }
     ],
     [
      "k14",
      {
       "static": 14
      }
     ],
     [
      "k15",
      {
       "static": 15
      }
     ],
     [
      "k16",
      {
       "var": 0
      }
     ],
     [
      "k17",
      {
       "static": 17
      }
     ],
     [
      "k18",
      {
       "static": 18
      }
     ],
     [
      "k19",
      {
       "static": 19
      }
     ],
     [
      "k20",
      {
       "static": 20
      }
     ],
     [
      "k21",
      {
       "static": 21
      }
     ],
     [
      "k22",
      {
       "static": 22
      }
     ],
     [
      "k23",
      {
       "static": 23
      }
     ],
     [
      "k24",
      {
       "static": 24
      }
     ],
     [
      "k25",
      {
       "static": 25
      }
     ],
     [
      "k26",
      {
       "static": 26
      }
     ],
     [
      "k27",
      {
       "static": 27
      }
     ],
     [
      "k28",
      {
       "static": 28
      }
     ],
     [
      "k29",
      {
       "static": 29
      }
     ],
     [
      "k30",
      {
       "static": 30
      }
     ],
     [
      "k31",
      {
       "static": 31
      }
     ],
     [
      "k32",
      {
       "static": 32
      }
     ],
     [
      "k33",
      {
       "static": 33
      }
     ],
     [
      "k34",
      {
       "static": 34
      }
     ],
     [
      "k35",
      {
       "static": 35
      }
     ],
     [
      "k36",
      {
       "static": 36
      }
     ],
     [
      "k37",
      {
       "static": 37
      }
     ],
     [
      "k38",
      {
       "static": 38
      }
     ],
     [
      "k39",
      {
       "static": 39
      }
     ],
     [
      "k40",
      {
       "static": 40
      }
     ],
     [
      "k41",
      {
       "static": 41
      }
     ],
     [
      "k42",
      {
       "static": 42
      }
     ],
     [
      "k43",
      {
       "static": 43
      }
     ],
     [
      "k44",
      {
       "static": 44
      }
     ],
     [
      "k45",
      {
       "static": 45
      }
     ],
     [
      "k46",
      {
       "static": 46
      }
     ],
     [
      "k47",
      {
       "static": 47
      }
     ],
     [
      "k48",
      {
       "var": 1
      }
     ],
     [
      "k49",
      {
       "static": 49
      }
     ],
     [
      "k50",
      {
       "static": 50
      }
     ],
     [
      "k51",
      {
       "static": 51
      }
     ],
     [
      "k52",
      {
       "static": 52
      }
     ],
     [
      "k53",
      {
       "static": 53
      }
     ],
     [
      "k54",
      {
       "static": 54
      }
     ],
     [
      "k55",
      {
       "static": 55
      }
     ],
     [
      "k56",
      {
       "static": 56
      }
     ],
     [
      "k57",
      {
       "static": 57
      }
     ],
     [
      "k58",
      {
       "static": 58
      }
     ],
     [
      "k59",
      {
       "static": 59
      }
     ],
     [
      "k60",
      {
       "static": 60
      }
     ],
     [
      "k61",
      {
       "static": 61
      }
     ],
     [
      "k62",
      {
       "static": 62
      }
     ],
     [
      "k63",
      {
       "static": 63
      }
     ],
     [
      "k64",
      {
       "static": 64
      }
     ],
     [
      "k65",
      {
       "static": 65
      }
     ],
     [
      "k66",
      {
       "static": 66
      }
     ],
     [
      "k67",
      {
       "static": 67
      }
     ],
     [
      "k68",
      {
       "static": 68
      }
     ],
     [
      "k69",
      {
       "static": 69
      }
     ],
     [
      "k70",
      {
       "static": 70
      }
     ],
     [
      "k71",
      {
       "static": 71
      }
     ],
     [
      "k72",
      {
       "static": 72
      }
     ],
     [
      "k73",
      {
       "static": 73
      }
     ],
     [
      "k74",
      {
       "static": 74
      }
     ],
     [
      "k75",
      {
       "static": 75
      }
     ],
     [
      "k76",
      {
       "static": 76
      }
     ],
     [
      "k77",
      {
       "static": 77
      }
     ],
     [
      "k78",
      {
       "static": 78
      }
     ],
     [
      "k79",
      {
       "static": 79
      }
     ],
     [
      "k80",
      {
       "var": 2
      }
     ],
     [
      "k81",
      {
       "static": 81
      }
     ],
     [
      "k82",
      {
       "static": 82
      }
     ],
     [
      "k83",
      {
       "static": 83
      }
     ],
     [
      "k84",
      {
       "static": 84
      }
     ],
     [
      "k85",
      {
       "static": 85
      }
     ],
     [
      "k86",
      {
       "static": 86
      }
     ],
     [
      "k87",
      {
       "static": 87
      }
     ],
     [
      "k88",
      {
       "static": 88
      }
     ],
     [
      "k89",
      {
       "static": 89
      }
     ],
     [
      "k90",
      {
       "static": 90
      }
     ],
     [
      "k91",
      {
       "static": 91
      }
     ],
     [
      "k92",
      {
       "static": 92
      }
     ],
     [
      "k93",
      {
       "static": 93
      }
     ],
     [
      "k94",
      {
       "static": 94
      }
     ],
     [
      "k95",
      {
       "static": 95
      }
     ],
     [
      "k96",
      {
       "static": 96
      }
     ],
     [
      "k97",
      {
       "static": 97
      }
     ],
     [
      "k98",
      {
       "static": 98
      }
     ],
     [
      "k99",
      {
       "static": 99
      }
     ],
     [
      "k100",
      {
       "static": 100
      }
     ],
     [
      "k101",
      {
       "static": 101
      }
     ],
     [
      "k102",
      {
       "static": 102
      }
     ],
     [
      "k103",
      {
       "static": 103
      }
     ],
     [
      "k104",
      {
       "static": 104
      }
     ],
     [
      "k105",
      {
       "static": 105
      }
     ],
     [
      "k106",
      {
       "static": 106
      }
     ],
     [
      "k107",
      {
       "static": 107
      }
     ],
     [
      "k108",
      {
       "static": 108
      }
     ],
     [
      "k109",
      {
       "static": 109
      }
     ],
     [
      "k110",
      {
       "static": 110
      }
     ],
     [
      "k111",
      {
       "static": 111
      }
     ],
     [
      "k112",
      {
       "var": 3
      }
     ],
     [
      "k113",
      {
       "static": 113
      }
     ],
     [
      "k114",
      {
       "static": 114
      }
     ],
     [
      "k115",
      {
       "static": 115
      }
     ],
     [
      "k116",
      {
       "static": 116
      }
     ],
     [
      "k117",
      {
       "static": 117
      }
     ],
     [
      "k118",
      {
       "static": 118
      }
     ],
     [
      "k119",
      {
       "static": 119
      }
     ],
     [
      "k120",
      {
       "static": 120
      }
     ],
     [
      "k121",
      {
       "static": 121
      }
     ],
     [
      "k122",
      {
       "static": 122
      }
     ],
     [
      "k123",
      {
       "static": 123
      }
     ],
     [
      "k124",
      {
       "static": 124
      }
     ],
     [
      "k125",
      {
       "static": 125
      }
     ],
     [
      "k126",
      {
       "static": 126
      }
     ],
     [
      "k127",
      {
       "static": 127
      }
     ],
     [
      "k128",
      {
       "static": 128
      }
     ],
     [
      "k129",
      {
       "static": 129
      }
     ],
     [
      "k130",
      {
       "static": 130
      }
     ],
     [
      "k131",
      {
       "static": 131
      }
     ],
     [
      "k132",
      {
       "static": 132
      }
     ],
     [
      "k133",
      {
       "static": 133
      }
     ],
     [
      "k134",
      {
       "static": 134
      }
     ],
     [
      "k135",
      {
       "static": 135
      }
     ],
     [
      "k136",
      {
       "static": 136
      }
     ],
     [
      "k137",
      {
       "static": 137
      }
     ],
     [
      "k138",
      {
       "static": 138
      }
     ],
     [
      "k139",
      {
       "static": 139
      }
     ],
     [
      "k140",
      {
       "static": 140
      }
     ],
     [
      "k141",
      {
       "static": 141
      }
     ],
     [
      "k142",
      {
       "static": 142
      }
     ],
     [
      "k143",
      {
       "static": 143
      }
     ],
     [
      "k144",
      {
       "var": 4
      }
     ],
     [
      "k145",
      {
       "static": 145
      }
     ],
     [
      "k146",
      {
       "static": 146
      }
     ],
     [
      "k147",
      {
       "static": 147
      }
     ],
     [
      "k148",
      {
       "static": 148
      }
     ],
     [
      "k149",
      {
       "static": 149
      }
     ],
     [
      "k150",
      {
       "static": 150
      }
     ],
     [
      "k151",
      {
       "static": 151
      }
     ],
     [
      "k152",
      {
       "static": 152
      }
     ],
     [
      "k153",
      {
       "static": 153
      }
     ],
     [
      "k154",
      {
       "static": 154
      }
     ],
     [
      "k155",
      {
       "static": 155
      }
     ],
     [
      "k156",
      {
       "static": 156
      }
     ],
     [
      "k157",
      {
       "static": 157
      }
     ],
     [
      "k158",
      {
       "static": 158
      }
     ],
     [
      "k159",
      {
       "static": 159
      }
     ],
     [
      "k160",
      {
       "static": 160
      }
     ],
     [
      "k161",
      {
       "static": 161
      }
     ],
     [
      "k162",
      {
       "static": 162
      }
     ],
     [
      "k163",
      {
       "static": 163
      }
     ],
     [
      "k164",
      {
       "static": 164
      }
     ],
     [
      "k165",
      {
       "static": 165
      }
     ],
     [
      "k166",
      {
       "static": 166
      }
     ],
     [
      "k167",
      {
       "static": 167
      }
     ],
     [
      "k168",
      {
       "static": 168
      }
     ],
     [
      "k169",
      {
       "static": 169
      }
     ],
     [
      "k170",
      {
       "static": 170
      }
     ],
     [
      "k171",
      {
       "static": 171
      }
     ],
     [
      "k172",
      {
       "static": 172
      }
     ],
     [
      "k173",
      {
       "static": 173
      }
     ],
     [
      "k174",
      {
       "static": 174
      }
     ],
     [
      "k175",
      {
       "static": 175
      }
     ],
     [
      "k176",
      {
       "var": 5
      }
     ],
     [
      "k177",
      {
       "static": 177
      }
     ],
     [
      "k178",
      {
       "static": 178
      }
     ],
     [
      "k179",
      {
       "static": 179
      }
     ],
     [
      "k180",
      {
       "static": 180
      }
     ],
     [
      "k181",
      {
       "static": 181
      }
     ],
     [
      "k182",
      {
       "static": 182
      }
     ],
     [
      "k183",
      {
       "static": 183
      }
     ],
     [
      "k184",
      {
       "static": 184
      }
     ],
     [
      "k185",
      {
       "static": 185
      }
     ],
     [
      "k186",
      {
       "static": 186
      }
     ],
     [
      "k187",
      {
       "static": 187
      }
     ],
     [
      "k188",
      {
       "static": 188
      }
     ],
     [
      "k189",
      {
       "static": 189
      }
     ],
     [
      "k190",
      {
       "static": 190
      }
     ],
     [
      "k191",
      {
       "static": 191
      }
     ],
     [
      "k192",
      {
       "static": 192
      }
     ],
     [
      "k193",
      {
       "static": 193
      }
     ],
     [
      "k194",
      {
       "static": 194
      }
     ],
     [
      "k195",
      {
       "static": 195
      }
     ],
     [
      "k196",
      {
       "static": 196
      }
     ],
     [
      "k197",
      {
       "static": 197
      }
     ],
     [
      "k198",
      {
       "static": 198
      }
     ],
     [
      "k199",
      {
       "static": 199
      }
     ],
     [
      "k200",
      {
       "static": 200
      }
     ],
     [
      "k201",
      {
       "static": 201
      }
     ],
     [
      "k202",
      {
       "static": 202
      }
     ],
     [
      "k203",
      {
       "static": 203
      }
     ],
     [
      "k204",
      {
       "static": 204
      }
     ],
     [
      "k205",
      {
       "static": 205
      }
     ],
     [
      "k206",
      {
       "static": 206
      }
     ],
     [
      "k207",
      {
       "static": 207
      }
     ],
     [
      "k208",
      {
       "var": 6
      }
     ],
     [
      "k209",
      {
       "static": 209
      }
     ],
     [
      "k210",
      {
       "static": 210
      }
     ],
     [
      "k211",
      {
       "static": 211
      }
     ],
     [
      "k212",
      {
       "static": 212
      }
     ],
     [
      "k213",
      {
       "static": 213
      }
     ],
     [
      "k214",
      {
       "static": 214
      }
     ],
     [
      "k215",
      {
       "static": 215
      }
     ],
     [
      "k216",
      {
       "static": 216
      }
     ],
     [
      "k217",
      {
       "static": 217
      }
     ],
     [
      "k218",
      {
       "static": 218
      }
     ],
     [
      "k219",
      {
       "static": 219
      }
     ],
     [
      "k220",
      {
       "static": 220
      }
     ],
     [
      "k221",
      {
       "static": 221
      }
     ],
     [
      "k222",
      {
       "static": 222
      }
     ],
     [
      "k223",
      {
       "static": 223
      }
     ],
     [
      "k224",
      {
       "static": 224
      }
     ],
     [
      "k225",
      {
       "static": 225
      }
     ],
     [
      "k226",
      {
       "static": 226
      }
     ],
     [
      "k227",
      {
       "static": 227
      }
     ],
     [
      "k228",
      {
       "static": 228
      }
     ],
     [
      "k229",
      {
       "static": 229
      }
     ],
     [
      "k230",
      {
       "static": 230
      }
     ],
     [
      "k231",
      {
       "static": 231
      }
     ],
     [
      "k232",
      {
       "static": 232
      }
     ],
     [
      "k233",
      {
       "static": 233
      }
     ],
     [
      "k234",
      {
       "static": 234
      }
     ],
     [
      "k235",
      {
       "static": 235
      }
     ],
     [
      "k236",
      {
       "static": 236
      }
     ],
     [
      "k237",
      {
       "static": 237
      }
     ],
     [
      "k238",
      {
       "static": 238
      }
     ],
     [
      "k239",
      {
       "static": 239
      }
     ],
     [
      "k240",
      {
       "var": 7
      }
     ],
     [
      "k241",
      {
       "static": 241
      }
     ],
     [
      "k242",
      {
       "static": 242
      }
     ],
     [
      "k243",
      {
       "static": 243
      }
     ],
     [
      "k244",
      {
       "static": 244
      }
     ],
     [
      "k245",
      {
       "static": 245
      }
     ],
     [
      "k246",
      {
       "static": 246
      }
     ],
     [
      "k247",
      {
       "static": 247
      }
     ],
     [
      "k248",
      {
       "static": 248
      }
     ],
     [
      "k249",
      {
       "static": 249
      }
     ],
     [
      "k250",
      {
       "static": 250
      }
     ],
     [
      "k251",
      {
       "static": 251
      }
     ],
     [
      "k252",
      {
       "static": 252
      }
     ],
     [
      "k253",
      {
       "static": 253
      }
     ],
     [
      "k254",
      {
       "static": 254
      }
     ],
     [
      "k255",
      {
       "static": 255
      }
     ],
     [
      "k256",
      {
       "static": 256
      }
     ],
     [
      "k257",
      {
       "static": 257
      }
     ],
     [
      "k258",
      {
       "static": 258
      }
     ],
     [
      "k259",
      {
       "static": 259
      }
     ],
     [
      "k260",
      {
       "static": 260
      }
     ],
     [
      "k261",
      {
       "static": 261
      }
     ],
     [
      "k262",
      {
       "static": 262
      }
     ],
     [
      "k263",
      {
       "static": 263
      }
     ],
     [
      "k264",
      {
       "static": 264
      }
     ],
     [
      "k265",
      {
       "static": 265
      }
     ],
     [
      "k266",
      {
       "static": 266
      }
     ],
     [
      "k267",
      {
       "static": 267
      }
     ],
     [
      "k268",
      {
       "static": 268
      }
     ],
     [
      "k269",
      {
       "static": 269
      }
     ],
     [
      "k270",
      {
       "static": 270
      }
     ],
     [
      "k271",
      {
       "static": 271
      }
     ],
     [
      "k272",
      {
       "var": 8
      }
     ],
     [
      "k273",
      {
       "static": 273
      }
     ],
     [
      "k274",
      {
       "static": 274
      }
     ],
     [
      "k275",
      {
       "static": 275
      }
     ],
     [
      "k276",
      {
       "static": 276
      }
     ],
     [
      "k277",
      {
       "static": 277
      }
     ],
     [
      "k278",
      {
       "static": 278
      }
     ],
     [
      "k279",
      {
       "static": 279
      }
     ],
     [
      "k280",
      {
       "static": 280
      }
     ],
     [
      "k281",
      {
       "static": 281
      }
     ],
     [
      "k282",
      {
       "static": 282
      }
     ],
     [
      "k283",
      {
       "static": 283
      }
     ],
     [
      "k284",
      {
       "static": 284
      }
     ],
     [
      "k285",
      {
       "static": 285
      }
     ],
     [
      "k286",
      {
       "static": 286
      }
     ],
     [
      "k287",
      {
       "static": 287
      }
     ],
     [
      "k288",
      {
       "static": 288
      }
     ],
     [
      "k289",
      {
       "static": 289
      }
     ],
     [
      "k290",
      {
       "static": 290
      }
     ],
     [
      "k291",
      {
       "static": 291
      }
     ],
     [
      "k292",
      {
       "static": 292
      }
     ],
     [
      "k293",
      {
       "static": 293
      }
     ],
     [
      "k294",
      {
       "static": 294
      }
     ],
     [
      "k295",
      {
       "static": 295
      }
     ],
     [
      "k296",
      {
       "static": 296
      }
     ],
     [
      "k297",
      {
       "static": 297
      }
     ],
     [
      "k298",
      {
       "static": 298
      }
     ],
     [
      "k299",
      {
       "static": 299
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
