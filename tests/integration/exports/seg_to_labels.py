"""Rebuild a label volume from a DICOM SEG with pydicom, independently of CardioSeg's code.

usage: seg_to_labels.py SEG CT_DIR CODES_JSON OUT_RAW
CODES_JSON maps SNOMED type code -> class id. Frames are placed through their
ReferencedSOPInstanceUID and the position is cross-checked with ImagePositionPatient, because
readers (dcmjs normalizeToDataset, highdicom) may re-sort frames.
Writes uint8 voxels in (slice, row, column) C order and prints a JSON summary on stdout.
"""
import json
import os
import sys

import numpy as np
import pydicom

seg_path, ct_dir, codes_path, out_path = sys.argv[1:5]
codes = json.load(open(codes_path))
cts = []
for root, _, files in os.walk(ct_dir):
    for f in files:
        try:
            d = pydicom.dcmread(os.path.join(root, f), stop_before_pixels=True)
        except Exception:
            continue
        if "ImagePositionPatient" in d:
            cts.append(d)
iop = np.array(cts[0].ImageOrientationPatient, dtype=float)
normal = np.cross(iop[:3], iop[3:])
cts.sort(key=lambda d: float(np.dot(np.array(d.ImagePositionPatient, dtype=float), normal)))
k_of = {d.SOPInstanceUID: k for k, d in enumerate(cts)}
rows, cols = int(cts[0].Rows), int(cts[0].Columns)

seg = pydicom.dcmread(seg_path)
assert seg.SOPClassUID == "1.2.840.10008.5.1.4.1.1.66.4", seg.SOPClassUID
assert seg.SegmentationType == "BINARY"
assert seg.FrameOfReferenceUID == cts[0].FrameOfReferenceUID
assert seg.StudyInstanceUID == cts[0].StudyInstanceUID
assert seg.ReferencedSeriesSequence[0].SeriesInstanceUID == cts[0].SeriesInstanceUID
seg_iop = np.array(seg.SharedFunctionalGroupsSequence[0].PlaneOrientationSequence[0].ImageOrientationPatient, dtype=float)
assert np.allclose(seg_iop, iop, atol=1e-4), (seg_iop, iop)
class_of = {}
segments = []
for s in seg.SegmentSequence:
    cat = s.SegmentedPropertyCategoryCodeSequence[0]
    typ = s.SegmentedPropertyTypeCodeSequence[0]
    assert (cat.CodeValue, cat.CodingSchemeDesignator) == ("123037004", "SCT")
    class_of[int(s.SegmentNumber)] = codes[typ.CodeValue]
    alg = s.SegmentationAlgorithmIdentificationSequence[0]
    segments.append({"number": int(s.SegmentNumber), "label": s.SegmentLabel, "code": typ.CodeValue,
                     "lab": [int(x) for x in s.RecommendedDisplayCIELabValue], "algorithm": alg.AlgorithmName,
                     "algorithmVersion": alg.AlgorithmVersion})

pixels = seg.pixel_array
if pixels.ndim == 2:
    pixels = pixels[np.newaxis]
out = np.zeros((len(cts), rows, cols), dtype=np.uint8)
for f, fg in enumerate(seg.PerFrameFunctionalGroupsSequence):
    uid = fg.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID
    k = k_of[uid]
    ipp = np.array(fg.PlanePositionSequence[0].ImagePositionPatient, dtype=float)
    assert np.allclose(ipp, np.array(cts[k].ImagePositionPatient, dtype=float), atol=1e-3), (ipp, cts[k].ImagePositionPatient)
    seg_no = int(fg.SegmentIdentificationSequence[0].ReferencedSegmentNumber)
    mask = pixels[f].astype(bool)
    assert not np.any(out[k][mask]), "overlapping segments"
    out[k][mask] = class_of[seg_no]
out.tofile(out_path)
print(json.dumps({"frames": int(seg.NumberOfFrames), "segments": segments, "slices": len(cts),
                  "positions": [[float(x) for x in d.ImagePositionPatient] for d in cts], "rows": rows, "cols": cols}))
