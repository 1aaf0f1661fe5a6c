"""The bench's result rows: one table on stdout, the same rows in the JSON file."""

from __future__ import annotations

from typing import Any


class Results:
    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}

    def add(self, key: str, measure: str, value: float | None, unit: str, ratio: float | None = None,
            notes: str = "", **extra: Any) -> None:
        self.rows[key] = {"measure": measure, "value": value, "unit": unit, "ratio": ratio, "notes": notes, **extra}

    def table(self) -> str:
        lines = [f"{'measure':<40} {'value':>10}  {'unit':<15} ratio/notes", "-" * 130]
        for row in self.rows.values():
            value = row["value"]
            if value is None:
                shown = "n/a"
            else:
                shown = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"
                if row.get("lower_bound"):
                    shown = ">=" + shown
            ratio = "" if row["ratio"] is None else f"{row['ratio']:.2f}  "
            lines.append(f"{row['measure']:<40} {shown:>10}  {row['unit']:<15} {ratio}{row['notes']}")
        return "\n".join(lines)


def fmt(x: float | None, digits: int = 0) -> str:
    return "?" if x is None else f"{x:,.{digits}f}"


def percents(values: list[float]) -> str:
    return "/".join(f"{v:.0f}" for v in values) or "?"

