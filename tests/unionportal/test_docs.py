"""The documentation a fresh clone reads: the README's links resolve inside the repository, and the
copy of the interchange contract in docs/ stays identical to its source."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT.parent / "shared" / "spec" / "interchange.md"
COPY = ROOT / "docs" / "interchange.md"
NOTE_END = "-->\n\n"


def contract_of_copy() -> str:
    text = COPY.read_text(encoding="utf-8")
    assert text.startswith("<!-- Copy of ../shared/spec/interchange.md")
    return text[text.index(NOTE_END) + len(NOTE_END) :]


def test_the_copy_of_the_contract_is_the_source():
    copy = contract_of_copy()
    assert copy.startswith("# UnionPortal interchange contract\n")
    assert "## 3. Monthly stipend (每月补助)" in copy
    if SOURCE.exists():  # beside the repository on the team's machines and in CI; not in a bare clone
        assert copy == SOURCE.read_text(encoding="utf-8"), "docs/interchange.md differs from its source: copy it again"


def test_the_readme_links_the_contract_and_every_relative_link_resolves():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "[docs/interchange.md](docs/interchange.md)" in readme
    links = [link for link in re.findall(r"\]\(([^)#]+)\)", readme) if "://" not in link]
    assert links
    for link in links:
        assert (ROOT / link).exists(), f"README links {link}, which a clone does not have"
