#!/usr/bin/env python3
"""Runs the ONNX checker (with shape inference) on exported files: python3 check_onnx.py FILE.onnx [...]

Needs the `onnx` Python package (Debian: apt-get install python3-onnx). Exits 1 when a file fails.
"""
import sys

import onnx
import onnx.checker
import onnx.shape_inference

failed = 0
for path in sys.argv[1:]:
    model = onnx.load(path)
    try:
        onnx.checker.check_model(model, full_check=True)
        inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
        out = inferred.graph.output[0].type.tensor_type
        dims = [d.dim_param or d.dim_value for d in out.shape.dim]
        ops = [n.op_type for n in model.graph.node]
        print(f"{path}: passes onnx {onnx.__version__} checker (ir {model.ir_version}, "
              f"opset {model.opset_import[0].version}, {' -> '.join(ops)}, output {dims})")
    except Exception as error:  # the checker raises several types
        failed += 1
        print(f"{path}: FAILS the onnx checker: {error}", file=sys.stderr)
sys.exit(1 if failed else 0)
