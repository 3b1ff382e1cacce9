#!/usr/bin/env python3
"""Generates the .npy golden files in testdata/npy with numpy (1.24.2).

Values are a formula the Go tests recompute independently: x[i] = i*0.5 - 1
over the flattened C-order array.  Run from vecsim/testdata: python3 gen_npy.py
"""
import numpy as np
from numpy.lib import format as npf


def arr(shape, dtype="<f4"):
    n = int(np.prod(shape))
    return (np.arange(n, dtype=np.float64) * 0.5 - 1).astype(dtype).reshape(shape)


np.save("npy/f4_3x4_v1.npy", arr((3, 4)))
np.save("npy/f4_1d_v1.npy", arr((5,)))
np.save("npy/f4_0x8_v1.npy", arr((0, 8)))
with open("npy/f4_2x3_v2.npy", "wb") as f:
    npf.write_array(f, arr((2, 3)), version=(2, 0))
with open("npy/f4_2x3_v3.npy", "wb") as f:
    npf.write_array(f, arr((2, 3)), version=(3, 0))
np.save("npy/f8_2x2.npy", arr((2, 2), "<f8"))
np.save("npy/f4be_2x2.npy", arr((2, 2), ">f4"))
np.save("npy/i4_2x2.npy", arr((2, 2), "<i4"))
np.save("npy/f4_fortran_2x3.npy", np.asfortranarray(arr((2, 3))))
np.save("npy/f4_2x2x2.npy", arr((2, 2, 2)))
