"""The `when:` condition language: parsing, precedence, errors with their column,
references, and evaluation against a simple Facts object."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from elearning.course.conditions import ConditionError, Facts, holds, parse, references, uses, value


@dataclass
class SimpleFacts:
    visits: dict[str, int] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    variables: dict[str, int] = field(default_factory=dict)
    entries: dict[str, str] = field(default_factory=dict)  # entry -> kind
    done_places: dict[str, str] = field(default_factory=dict)  # location -> hub
    points: int = 0
    top: int = 10
    hub: str = "kaart"

    def visited(self, scene: str) -> int:
        return self.visits.get(scene, 0)

    def flag(self, name: str) -> bool:
        return name in self.flags

    def var(self, name: str) -> int:
        return self.variables.get(name, 0)

    def has(self, entry: str) -> bool:
        return entry in self.entries

    def count(self, kind: str | None) -> int:
        return sum(1 for k in self.entries.values() if kind is None or k == kind)

    def done(self, location: str) -> bool:
        return location in self.done_places

    def done_count(self, hub: str | None) -> int:
        return sum(1 for h in self.done_places.values() if h == (hub or self.hub))

    def score(self) -> int:
        return self.points

    def percentage(self) -> int:
        return self.points * 100 // self.top


def test_simple_facts_is_a_facts() -> None:
    facts: Facts = SimpleFacts()
    assert facts.score() == 0


# -- parsing -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "tree"), [
    ("flag(a)", ("call", "flag", "a", 5)),
    ("visited(bakker-2)", ("call", "visited", "bakker-2", 8)),
    ("count()", ("call", "count", None, 0)),
    ("done_count()", ("call", "done_count", None, 0)),
    ("score >= 3", ("cmp", ">=", ("score",), ("num", 3))),
    ("percentage < 50", ("cmp", "<", ("percentage",), ("num", 50))),
    ("var(x) == -2", ("cmp", "==", ("call", "var", "x", 4), ("num", -2))),
    ("3 != var(x)", ("cmp", "!=", ("num", 3), ("call", "var", "x", 9))),
    ("true", ("num", 1)),
    ("not false", ("not", ("num", 0))),
    # not binds tighter than and, and tighter than or
    ("not flag(a) and flag(b)", ("and", ("not", ("call", "flag", "a", 9)), ("call", "flag", "b", 21))),
    ("flag(a) or flag(b) and flag(c)",
     ("or", ("call", "flag", "a", 5), ("and", ("call", "flag", "b", 16), ("call", "flag", "c", 28)))),
    ("flag(a) and flag(b) or flag(c)",
     ("or", ("and", ("call", "flag", "a", 5), ("call", "flag", "b", 17)), ("call", "flag", "c", 28))),
    ("(flag(a) or flag(b)) and flag(c)",
     ("and", ("or", ("call", "flag", "a", 6), ("call", "flag", "b", 17)), ("call", "flag", "c", 30))),
    ("not (flag(a) or flag(b))", ("not", ("or", ("call", "flag", "a", 10), ("call", "flag", "b", 21)))),
    ("not not flag(a)", ("not", ("not", ("call", "flag", "a", 13)))),
    # comparisons bind tighter than not/and/or
    ("not score > 2 or var(x) < 1",
     ("or", ("not", ("cmp", ">", ("score",), ("num", 2))), ("cmp", "<", ("call", "var", "x", 21), ("num", 1)))),
    ("flag(p) and has(q)", ("and", ("call", "flag", "p", 5), ("call", "has", "q", 16))),
    # keywords and function names in any case, spaces anywhere
    ("  FLAG( a )  AND  Not flag(b) ", ("and", ("call", "flag", "a", 8), ("not", ("call", "flag", "b", 27)))),
    ("flag(a)or flag(b)", ("or", ("call", "flag", "a", 5), ("call", "flag", "b", 15))),
    ("count(signaal)>=3", ("cmp", ">=", ("call", "count", "signaal", 6), ("num", 3))),
])
def test_parse(text: str, tree: tuple) -> None:  # type: ignore[type-arg]
    assert parse(text) == tree


@pytest.mark.parametrize(("text", "message", "column"), [
    ("", "expected a value but found the end of the condition", 0),
    ("flag(a) and", "expected a value but found the end of the condition", 11),
    ("flag(a) en flag(b)", "unexpected 'en'; join conditions with 'and' or 'or'", 8),
    ("flag(a) flag(b)", "unexpected 'flag'; join conditions with 'and' or 'or'", 8),
    ("(flag(a)", "expected ')' but found the end of the condition", 8),
    ("flag(a))", "unexpected ')'; join conditions with 'and' or 'or'", 7),
    ("flag a", "expected '(' but found 'a'", 5),
    ("flag()", "flag() needs a flag id", 5),
    ("visited(>)", "visited() needs a scene id", 8),
    ("has(a b)", "expected ')' but found 'b'", 6),
    ("bakker", "unknown word 'bakker'; write flag(bakker), var(bakker), visited(bakker) or has(bakker)", 0),
    ("score = 3", "unexpected character '='; to compare, write '==' (equal), '!=', '>=' or '<='", 6),
    ("flag(a) && flag(b)", "unexpected character '&'; write 'and'", 8),
    ("flag(a) || flag(b)", "unexpected character '|'; write 'or'", 8),
    ("!flag(a)", "unexpected character '!'; write 'not', or '!=' for 'not equal'", 0),
    ("score >= 3.5", "unexpected character '.'", 10),
    ("and flag(a)", "'and' cannot stand here", 0),
    ("score >=", "expected a value but found the end of the condition", 8),
    ("visited(bakker) >= ", "expected a value but found the end of the condition", 19),
    ("flag(a) and or flag(b)", "'or' cannot stand here", 12),
    ("flag('a')", "unexpected character \"'\"", 5),
    ("flag(é)", "unexpected character 'é'", 5),
])
def test_parse_errors_name_the_problem_and_its_column(text: str, message: str, column: int) -> None:
    with pytest.raises(ConditionError) as error:
        parse(text)
    assert (error.value.message, error.value.column) == (message, column)
    assert str(error.value) == message


TOO_DEEP = ("the condition has more than 100 levels of brackets, 'not', 'and' or 'or'; "
            "split it into simpler ones")


def test_a_long_condition_parses_and_evaluates() -> None:
    text = " and ".join(f"flag(f{i})" for i in range(90))
    node = parse(text)
    assert len(references(node)) == 90
    assert holds(node, SimpleFacts(flags={f"f{i}" for i in range(90)}))
    assert not holds(node, SimpleFacts(flags={f"f{i}" for i in range(89)}))


@pytest.mark.parametrize(("text", "column"), [
    (" and ".join(f"flag(f{i})" for i in range(2_000)), 0),
    (" or ".join(["score > 1"] * 5_000), 0),
    ("(" * 5_000 + "true" + ")" * 5_000, 100),
    ("not " * 5_000 + "true", 400),
])
def test_a_condition_too_deep_to_evaluate_is_refused_not_crashed(text: str, column: int) -> None:
    with pytest.raises(ConditionError) as error:
        parse(text)
    assert (error.value.message, error.value.column) == (TOO_DEEP, column)


def test_a_hundred_levels_are_fine() -> None:
    assert holds(parse("(" * 100 + "true" + ")" * 100), SimpleFacts())
    assert holds(parse("not " * 100 + "true"), SimpleFacts())
    assert holds(parse("not " * 100 + "score == 0"), SimpleFacts())


# -- references and uses -------------------------------------------------------------------------------
def test_references_lists_every_call_with_its_argument_and_column() -> None:
    node = parse("visited(bakker) and (count(signaal) >= 2 or not has(sig-1)) and done_count() > 0 and done(plein)")
    assert sorted(references(node)) == sorted([
        ("visited", "bakker", 8), ("count", "signaal", 27), ("has", "sig-1", 52), ("done", "plein", 90),
    ])
    assert references(parse("score > 1")) == []


def test_uses() -> None:
    node = parse("not (score >= 3 and flag(x))")
    assert uses(node, "score") and uses(node, "flag")
    assert not uses(node, "percentage") and not uses(node, "var")
    assert uses(parse("percentage < 50"), "percentage")


# -- evaluation ------------------------------------------------------------------------------------------
FACTS = SimpleFacts(
    visits={"bakker": 2, "plein": 1},
    flags={"boos"},
    variables={"vertrouwen": 3, "spanning": -1},
    entries={"sig-1": "signaal", "sig-2": "signaal", "verb-1": "verbinder"},
    done_places={"bakkerij": "kaart", "plein": "kaart", "school": "stad"},
    points=4,
    top=8,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("visited(bakker)", True),
    ("visited(school)", False),
    ("visited(bakker) >= 2", True),
    ("visited(bakker) > 2", False),
    ("visited(bakker) == 2 and visited(plein) == 1", True),
    ("flag(boos)", True),
    ("flag(blij)", False),
    ("not flag(boos)", False),
    ("var(vertrouwen) > 2", True),
    ("var(spanning) < 0", True),
    ("var(spanning) == -1", True),
    ("var(onbekend) == 0", True),
    ("var(vertrouwen)", True),
    ("var(spanning)", True),  # any number but 0 counts as true
    ("has(sig-1)", True),
    ("has(sig-9)", False),
    ("count(signaal) == 2", True),
    ("count(verbinder) >= 2", False),
    ("count() == 3", True),
    ("done(bakkerij)", True),
    ("done(school) and not done(kerk)", True),
    ("done_count() == 2", True),
    ("done_count(stad) == 1", True),
    ("score == 4", True),
    ("score != 4", False),
    ("score <= 3", False),
    ("percentage == 50", True),
    ("percentage >= 50 and percentage < 80", True),
    ("flag(blij) or flag(boos)", True),
    ("flag(blij) or flag(boos) and false", False),
    ("(flag(blij) or flag(boos)) and true", True),
    ("not flag(blij) and not flag(boos)", False),
    ("not (flag(blij) and flag(boos))", True),
    ("true", True),
    ("false", False),
    ("1 < 2", True),
    ("2 == 2 == 1", None),  # comparisons do not chain: a parse error
])
def test_evaluation(text: str, expected: bool | None) -> None:
    if expected is None:
        with pytest.raises(ConditionError):
            parse(text)
        return
    assert holds(parse(text), FACTS) is expected


def test_no_condition_always_holds_and_value_gives_numbers() -> None:
    assert holds(None, SimpleFacts())
    assert value(parse("var(vertrouwen)"), FACTS) == 3
    assert value(parse("score"), FACTS) == 4
    assert value(parse("count()"), FACTS) == 3
    assert value(parse("flag(boos)"), FACTS) == 1
    assert value(parse("score > 1"), FACTS) == 1


def test_and_or_evaluate_lazily() -> None:
    class Exploding(SimpleFacts):
        def flag(self, name: str) -> bool:
            if name == "boom":
                raise AssertionError("evaluated the right side")
            return super().flag(name)

    facts = Exploding(flags={"ja"})
    assert holds(parse("flag(ja) or flag(boom)"), facts)
    assert not holds(parse("flag(nee) and flag(boom)"), facts)


def test_an_unknown_node_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown condition node 'bogus'"):
        value(("bogus",), SimpleFacts())
