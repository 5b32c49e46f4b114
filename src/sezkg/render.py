"""Text and JSON renderings of results for people and for scripts."""

from __future__ import annotations

import json

from .validate import ValidationReport


def validation_text(report: ValidationReport) -> str:
    head = (f"{report.shapes_checked} node shapes and {report.queries_checked} violation queries checked: ")
    if report.conforms:
        return head + "the knowledge graph conforms.\n"
    lines = [head + f"{len(report.violations)} violations on {len(report.by_focus())} entities.", ""]
    for focus, violations in report.by_focus().items():
        label = violations[0].focus_label
        lines.append(f"{label} <{focus}>" if label else f"<{focus}>")
        files = sorted({f for v in violations for f in v.files})
        if files:
            lines.append(f"  in {', '.join(files)}")
        for v in violations:
            where = f"{v.path}: " if v.path else ""
            value = f" (value: {v.value})" if v.value else ""
            lines.append(f"  - {where}{v.message}{value}  [{v.check}]")
        lines.append("")
    return "\n".join(lines)


def validation_json(report: ValidationReport) -> str:
    payload = {
        "conforms": report.conforms,
        "shapes_checked": report.shapes_checked,
        "queries_checked": report.queries_checked,
        "violations": [
            {
                "focus": v.focus,
                "label": v.focus_label,
                "path": v.path,
                "value": v.value,
                "message": v.message,
                "severity": v.severity,
                "check": v.check,
                "files": list(v.files),
            }
            for vs in report.by_focus().values()
            for v in vs
        ],
    }
    return json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
