"""The budgets of `make bench`: each figure printed beside its budget, and one table of them all.

A bench script calls `check(...)` for every figure that has a budget: it gets back the words to
print beside the figure (the budget, the ratio, met or not) and, when BENCH_RESULTS names a
file (the Makefile's bench target sets it), the figure is appended to that file. Once every
script has run, `python bench/budgets.py FILE` prints the table of every budget in the order
they were measured. The ratio is figure / budget, or budget / figure where higher is better, so
that a ratio at or under 1.00 is a budget met whichever way it points. Figures only: nothing
here fails a run.
Usage: `make bench`.
"""

import json
import math
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Budget:
    name: str
    figure: float
    limit: float
    unit: str
    higher_is_better: bool = False
    decimals: int = 1

    @property
    def ratio(self) -> float:
        if self.higher_is_better:
            return self.limit / self.figure if self.figure else math.inf
        if self.limit == 0:
            # "none at all": any one is infinitely over, none is met exactly.
            return 0.0 if self.figure == 0 else math.inf
        return self.figure / self.limit

    @property
    def met(self) -> bool:
        if self.higher_is_better:
            return self.figure >= self.limit
        return self.figure <= self.limit

    def amount(self, value: float) -> str:
        space = " " if self.unit not in ("", "×") else ""
        return f"{value:,.{self.decimals}f}{space}{self.unit}"

    @property
    def target(self) -> str:
        return f"{'≥' if self.higher_is_better else '≤'} {self.amount(self.limit)}"

    @property
    def ratio_text(self) -> str:
        return "—" if math.isinf(self.ratio) else f"{self.ratio:.2f}"

    @property
    def verdict(self) -> str:
        return "met" if self.met else "NOT MET"


def check(
    name: str,
    figure: float,
    limit: float,
    unit: str,
    *,
    higher_is_better: bool = False,
    decimals: int = 1,
) -> str:
    """Record the figure (when BENCH_RESULTS is set) and return "budget …, ratio …: met"."""
    budget = Budget(name, figure, limit, unit, higher_is_better, decimals)
    results = os.environ.get("BENCH_RESULTS")
    if results:
        with open(results, "a", encoding="utf-8") as out:
            out.write(json.dumps(asdict(budget), ensure_ascii=False) + "\n")
    return f"budget {budget.target}, ratio {budget.ratio_text}: {budget.verdict}"


def table(budgets: list[Budget]) -> str:
    width = max([len(budget.name) for budget in budgets] + [6])
    lines = [
        f"{'budget':<{width}}  {'figure':>16}  {'target':>18}  {'ratio':>6}  verdict",
        "-" * (width + 56),
    ]
    for budget in budgets:
        lines.append(
            f"{budget.name:<{width}}  {budget.amount(budget.figure):>16}  "
            f"{budget.target:>18}  {budget.ratio_text:>6}  {budget.verdict}"
        )
    met = sum(budget.met for budget in budgets)
    lines.append(
        f"{met} of {len(budgets)} budgets met (ratio = figure / budget, or budget / "
        "figure where higher is better: ≤ 1.00 is met)"
    )
    return "\n".join(lines)


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BENCH_RESULTS", ""))
    if not path.is_file():
        sys.exit("usage: budgets.py FILE (the BENCH_RESULTS file the bench scripts wrote)")
    budgets = [Budget(**json.loads(line)) for line in path.read_text().splitlines() if line]
    print("summary of every budget of this run")
    print(table(budgets))


if __name__ == "__main__":
    main()
