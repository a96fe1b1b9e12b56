"""Compare two NIfTI files in world space with nibabel (independent of CardioSeg's reader).

usage: nifti_compare.py OURS REF
Both images are brought to the closest canonical (RAS) orientation, so a row flip that dcm2niix
applies and we do not still compares equal. Prints JSON: shapes, the max absolute affine
difference (mm), and how many voxels agree (values compared after scaling, tolerance 0.5).
"""
import json
import sys

import nibabel as nib
import numpy as np

a = nib.as_closest_canonical(nib.load(sys.argv[1]))
b = nib.as_closest_canonical(nib.load(sys.argv[2]))
res = {"shapeA": list(a.shape), "shapeB": list(b.shape)}
res["affineMaxDiff"] = float(np.max(np.abs(a.affine - b.affine)))
res["sformCodeA"] = int(nib.load(sys.argv[1]).header["sform_code"])
res["qformCodeA"] = int(nib.load(sys.argv[1]).header["qform_code"])
# qform and sform of our file must describe the same mapping.
h = nib.load(sys.argv[1]).header
res["qformSformMaxDiff"] = float(np.max(np.abs(h.get_qform() - h.get_sform())))
sa, sb = a.shape[:3], b.shape[:3]
if sa == sb:
    da = a.get_fdata().reshape(sa)
    db = b.get_fdata().reshape(sb)
    mask = (da > -1000) & (db > -1000)
    res["voxels"] = int(da.size)
    res["equalFraction"] = float(np.mean(np.abs(da - db) < 0.5))
    res["equalFractionAboveAir"] = float(np.mean(np.abs(da[mask] - db[mask]) < 0.5)) if mask.any() else None
print(json.dumps(res))
