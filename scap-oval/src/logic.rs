//! OVAL truth tables as pure functions: operators (`criteria`, state `operator`), the
//! `CheckEnumeration` (`check`, `var_check`, `entity_check`), the `ExistenceEnumeration`
//! (`check_existence`) and the test evaluation rule that combines a collected object's flag with
//! both (OVAL 5.11 Specification §5.2 "OVAL Definition Evaluation", oval-common-schema
//! `OperatorEnumeration`, `CheckEnumeration`, `ExistenceEnumeration`).
//!
//! Where `oscap` 1.3.7 (`oval_resultTest.c`) departs from the written tables it is said at the
//! function; the functions here follow the spec unless the item says otherwise.
//!
//! ```
//! use scap_oval::logic::{combine, negate};
//! use scap_oval::types::{Operator, ResultValue::*};
//! assert_eq!(combine(Operator::And, [True, NotApplicable, True]), True);
//! assert_eq!(combine(Operator::Or, [False, Unknown]), Unknown);
//! assert_eq!(negate(combine(Operator::Xor, [True, True])), True);
//! ```

use crate::types::{Check, Existence, Flag, ItemStatus, Operator, ResultValue};

/// How many results of each value were combined. `not applicable` results are counted but never
/// change the outcome, except that a set of only `not applicable` results is `not applicable`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ResultCounts {
    /// `true` results.
    pub t: usize,
    /// `false` results.
    pub f: usize,
    /// `error` results.
    pub e: usize,
    /// `unknown` results.
    pub u: usize,
    /// `not evaluated` results.
    pub ne: usize,
    /// `not applicable` results.
    pub na: usize,
}

impl ResultCounts {
    /// Counts `results`.
    pub fn of(results: impl IntoIterator<Item = ResultValue>) -> ResultCounts {
        let mut c = ResultCounts::default();
        for r in results {
            c.add(r);
        }
        c
    }

    /// Counts one more result.
    pub fn add(&mut self, r: ResultValue) {
        let slot = match r {
            ResultValue::True => &mut self.t,
            ResultValue::False => &mut self.f,
            ResultValue::Error => &mut self.e,
            ResultValue::Unknown => &mut self.u,
            ResultValue::NotEvaluated => &mut self.ne,
            ResultValue::NotApplicable => &mut self.na,
        };
        *slot = slot.saturating_add(1);
    }

    /// The value shared by every table when nothing decisive was seen: no results at all is
    /// `unknown` (as `oscap` does; the spec tables leave it open) and only `not applicable`
    /// results is `not applicable`.
    fn degenerate(&self) -> Option<ResultValue> {
        let decisive = self.t + self.f + self.e + self.u + self.ne;
        match (decisive, self.na) {
            (0, 0) => Some(ResultValue::Unknown),
            (0, _) => Some(ResultValue::NotApplicable),
            _ => None,
        }
    }

    /// The "error, else unknown, else not evaluated" tail shared by all tables.
    fn undecided(&self) -> ResultValue {
        if self.e > 0 {
            ResultValue::Error
        } else if self.u > 0 {
            ResultValue::Unknown
        } else {
            ResultValue::NotEvaluated
        }
    }
}

/// Combines results with an `OperatorEnumeration` operator (criteria, state entities, record
/// fields). The spec tables, with `t f e u ne` counts (`not applicable` ignored):
///
/// | operator | true | false | otherwise |
/// |---|---|---|---|
/// | AND | t≥1, f=e=u=ne=0 | f≥1 | error if e≥1, else unknown if u≥1, else not evaluated |
/// | OR  | t≥1 | t=0, f≥1, e=u=ne=0 | same |
/// | ONE | t=1, e=u=ne=0 | t≥2, or t=0 and e=u=ne=0 | same (only reached with t≤1) |
/// | XOR | t odd, e=u=ne=0 | t even, e=u=ne=0 | same |
///
/// An empty set is `unknown`; a set of only `not applicable` is `not applicable`.
pub fn combine(operator: Operator, results: impl IntoIterator<Item = ResultValue>) -> ResultValue {
    combine_counts(operator, &ResultCounts::of(results))
}

/// [`combine`] over already-counted results.
pub fn combine_counts(operator: Operator, c: &ResultCounts) -> ResultValue {
    if let Some(r) = c.degenerate() {
        return r;
    }
    let clean = c.e == 0 && c.u == 0 && c.ne == 0;
    match operator {
        Operator::And => {
            if c.f > 0 {
                ResultValue::False
            } else if clean {
                ResultValue::True
            } else {
                c.undecided()
            }
        }
        Operator::Or => {
            if c.t > 0 {
                ResultValue::True
            } else if clean {
                ResultValue::False
            } else {
                c.undecided()
            }
        }
        Operator::One => {
            if c.t >= 2 {
                ResultValue::False
            } else if clean {
                if c.t == 1 {
                    ResultValue::True
                } else {
                    ResultValue::False
                }
            } else {
                c.undecided()
            }
        }
        Operator::Xor => {
            if clean {
                if c.t % 2 == 1 {
                    ResultValue::True
                } else {
                    ResultValue::False
                }
            } else {
                c.undecided()
            }
        }
    }
}

/// Negation of a criteria/criterion result (`negate="true"`): swaps `true` and `false`, leaves
/// the other values alone.
pub fn negate(r: ResultValue) -> ResultValue {
    match r {
        ResultValue::True => ResultValue::False,
        ResultValue::False => ResultValue::True,
        other => other,
    }
}

/// Applies a `CheckEnumeration` to a set of results (a test's `check` over its items, a state
/// entity's `var_check` over variable values and `entity_check` over item entities):
///
/// | check | true | false | otherwise |
/// |---|---|---|---|
/// | all | t≥1, f=e=u=ne=0 | f≥1 | error if e≥1, else unknown if u≥1, else not evaluated |
/// | at least one | t≥1 | t=0, f≥1, e=u=ne=0 | same |
/// | only one | t=1, e=u=ne=0 | t≥2, or t=0 and e=u=ne=0 | same (only reached with t≤1) |
/// | none satisfy / none exist | t=0, f≥1, e=u=ne=0 | t≥1 | same |
///
/// An empty set is `unknown`; a set of only `not applicable` is `not applicable`.
///
/// `oscap` 1.3.7 departs from the table for `at least one` when there are `false` results and
/// no `true` ones: `{false, unknown}` and `{false, not evaluated}` give `error` there (its
/// unknown/not-evaluated rows require f=0), `unknown`/`not evaluated` here.
///
/// ```
/// use scap_oval::logic::check;
/// use scap_oval::types::{Check, ResultValue::*};
/// assert_eq!(check(Check::NoneSatisfy, [False, False]), True);
/// assert_eq!(check(Check::OnlyOne, [True, Error]), Error);
/// ```
pub fn check(check: Check, results: impl IntoIterator<Item = ResultValue>) -> ResultValue {
    check_counts(check, &ResultCounts::of(results))
}

/// [`check`] over already-counted results.
pub fn check_counts(check: Check, c: &ResultCounts) -> ResultValue {
    match check {
        Check::All => combine_counts(Operator::And, c),
        Check::AtLeastOne => combine_counts(Operator::Or, c),
        Check::OnlyOne => combine_counts(Operator::One, c),
        Check::NoneSatisfy | Check::NoneExist => {
            if let Some(r) = c.degenerate() {
                return r;
            }
            if c.t > 0 {
                ResultValue::False
            } else if c.e == 0 && c.u == 0 && c.ne == 0 {
                ResultValue::True
            } else {
                c.undecided()
            }
        }
    }
}

/// Status counts of the items collected for an object.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ItemCounts {
    /// Items with status `exists`.
    pub exists: usize,
    /// Items with status `does not exist`.
    pub does_not_exist: usize,
    /// Items with status `error`.
    pub error: usize,
    /// Items with status `not collected`.
    pub not_collected: usize,
}

impl ItemCounts {
    /// Counts item statuses.
    pub fn of(statuses: impl IntoIterator<Item = ItemStatus>) -> ItemCounts {
        let mut c = ItemCounts::default();
        for s in statuses {
            let slot = match s {
                ItemStatus::Exists => &mut c.exists,
                ItemStatus::DoesNotExist => &mut c.does_not_exist,
                ItemStatus::Error => &mut c.error,
                ItemStatus::NotCollected => &mut c.not_collected,
            };
            *slot = slot.saturating_add(1);
        }
        c
    }
}

/// The `ExistenceEnumeration` table (`check_existence` of a test, of a state entity):
///
/// | check_existence | true | false | error | unknown |
/// |---|---|---|---|---|
/// | all_exist | ex≥1, dne=er=nc=0 | dne≥1; or nothing at all | dne=0, er≥1 | dne=er=0, nc≥1 |
/// | any_exist | er=0; or ex≥1 | — | ex=0, er≥1 | — |
/// | at_least_one_exists | ex≥1 | ex=0, dne≥0, er=nc=0 | ex=0, er≥1 | ex=er=0, nc≥1 |
/// | none_exist | ex=er=nc=0 | ex≥1 | ex=0, er≥1 | ex=er=0, nc≥1 |
/// | only_one_exists | ex=1, er=nc=0 | ex≥2; or ex=er=nc=0 | ex≤1, er≥1 | ex≤1, er=0, nc≥1 |
///
/// `oscap` 1.3.7 only counts `exists` and `error` items (`eval_check_existence`): it ignores
/// `does not exist` and `not collected` items, so `all_exist` with `{exists, does not exist}` is
/// `true` there and `not collected` items never give `unknown`.
pub fn existence(existence: Existence, c: ItemCounts) -> ResultValue {
    let ItemCounts {
        exists: ex,
        does_not_exist: dne,
        error: er,
        not_collected: nc,
    } = c;
    let undecided = |er: usize, nc: usize| {
        if er > 0 {
            ResultValue::Error
        } else if nc > 0 {
            ResultValue::Unknown
        } else {
            ResultValue::False
        }
    };
    match existence {
        Existence::AllExist => {
            if dne > 0 {
                ResultValue::False
            } else if er > 0 || nc > 0 {
                undecided(er, nc)
            } else if ex > 0 {
                ResultValue::True
            } else {
                ResultValue::False
            }
        }
        Existence::AnyExist => {
            if er == 0 || ex > 0 {
                ResultValue::True
            } else {
                ResultValue::Error
            }
        }
        Existence::AtLeastOneExists => {
            if ex > 0 {
                ResultValue::True
            } else {
                undecided(er, nc)
            }
        }
        Existence::NoneExist => {
            if ex > 0 {
                ResultValue::False
            } else if er > 0 || nc > 0 {
                undecided(er, nc)
            } else {
                ResultValue::True
            }
        }
        Existence::OnlyOneExists => {
            if ex >= 2 {
                ResultValue::False
            } else if er > 0 || nc > 0 {
                undecided(er, nc)
            } else if ex == 1 {
                ResultValue::True
            } else {
                ResultValue::False
            }
        }
    }
}

/// The result of one item against a test's states: `error` and `not collected` items are
/// `error`, `does not exist` items are `false`, existing items take `state_result` (the
/// states combined with the test's `state_operator`). This is what `oscap` records per item.
pub fn item_result(status: ItemStatus, state_result: impl FnOnce() -> ResultValue) -> ResultValue {
    match status {
        ItemStatus::Error | ItemStatus::NotCollected => ResultValue::Error,
        ItemStatus::DoesNotExist => ResultValue::False,
        ItemStatus::Exists => state_result(),
    }
}

/// What a test needs besides its collected object's flag and items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TestSpec {
    /// The test's `check_existence`.
    pub existence: Existence,
    /// The test's `check` (applied to per-item state results).
    pub check: Check,
    /// Whether the test references at least one state.
    pub has_state: bool,
}

/// Evaluates a test from its collected object's [`Flag`], the status counts of its items, and
/// `items_against_states`: the [`check`] of the test's `check` over each item's
/// [`item_result`], called only when needed.
///
/// | flag | result |
/// |---|---|
/// | error | `error` (`true` for `any_exist` without state) |
/// | not collected | `unknown` (`true` for `any_exist` without state) |
/// | not applicable | `not applicable` (`true` for `any_exist` without state) |
/// | does not exist | `true` for `none_exist` and `any_exist`, else `false` (states are not consulted) |
/// | complete | [`existence`]; if `true` and the test has a state, the check over items |
/// | incomplete | `any_exist` → `true`; `at_least_one_exists` with ≥1 item → `true`; `none_exist` with ≥1 item → `false`; `only_one_exists` with ≥2 items → `false`; else `unknown`. If `true` and the test has a state: the check result, except that a `true` under any check other than `at least one` becomes `unknown` (missing items could change it) and `error`/`unknown`/`not evaluated`/`not applicable` become `unknown` |
///
/// This is OVAL 5.11 §5.2.2 as `oscap` 1.3.7 implements it (`_oval_result_test_evaluate_items`);
/// the `any_exist`-without-state exception for the error/not collected/not applicable flags is
/// oscap's and is not in the written spec, which gives `error`/`unknown`/`not applicable`.
///
/// ```
/// use scap_oval::logic::{test_result, ItemCounts, TestSpec};
/// use scap_oval::types::{Check, Existence, Flag, ResultValue};
/// let spec = TestSpec { existence: Existence::AtLeastOneExists, check: Check::All, has_state: true };
/// let items = ItemCounts { exists: 2, ..ItemCounts::default() };
/// assert_eq!(test_result(Flag::Complete, spec, items, || ResultValue::False), ResultValue::False);
/// assert_eq!(test_result(Flag::DoesNotExist, spec, ItemCounts::default(), || unreachable!()), ResultValue::False);
/// ```
pub fn test_result(
    flag: Flag,
    spec: TestSpec,
    items: ItemCounts,
    items_against_states: impl FnOnce() -> ResultValue,
) -> ResultValue {
    let any_without_state = spec.existence == Existence::AnyExist && !spec.has_state;
    match flag {
        Flag::Error if any_without_state => ResultValue::True,
        Flag::Error => ResultValue::Error,
        Flag::NotCollected if any_without_state => ResultValue::True,
        Flag::NotCollected => ResultValue::Unknown,
        Flag::NotApplicable if any_without_state => ResultValue::True,
        Flag::NotApplicable => ResultValue::NotApplicable,
        Flag::DoesNotExist => match spec.existence {
            Existence::NoneExist | Existence::AnyExist => ResultValue::True,
            _ => ResultValue::False,
        },
        Flag::Complete => {
            let r = existence(spec.existence, items);
            if r == ResultValue::True && spec.has_state {
                items_against_states()
            } else {
                r
            }
        }
        Flag::Incomplete => {
            let ex = items.exists;
            let r = match spec.existence {
                Existence::AnyExist => ResultValue::True,
                Existence::AtLeastOneExists if ex > 0 => ResultValue::True,
                Existence::NoneExist if ex > 0 => ResultValue::False,
                Existence::OnlyOneExists if ex > 1 => ResultValue::False,
                _ => ResultValue::Unknown,
            };
            if r == ResultValue::True && spec.has_state {
                match items_against_states() {
                    ResultValue::True if spec.check == Check::AtLeastOne => ResultValue::True,
                    ResultValue::False => ResultValue::False,
                    _ => ResultValue::Unknown,
                }
            } else {
                r
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ResultValue::{
        Error as E, False as F, NotApplicable as NA, NotEvaluated as NE, True as T, Unknown as U,
    };

    /// Builds a result list from counts `[t, f, e, u, ne, na]`.
    fn rs(n: [usize; 6]) -> Vec<ResultValue> {
        let vals = [T, F, E, U, NE, NA];
        vals.iter()
            .zip(n)
            .flat_map(|(v, k)| std::iter::repeat_n(*v, k))
            .collect()
    }

    /// Every row of the OperatorEnumeration tables, as (counts t f e u ne na, expected).
    #[test]
    fn operator_tables() {
        let and: &[([usize; 6], ResultValue)] = &[
            ([1, 0, 0, 0, 0, 0], T),
            ([3, 0, 0, 0, 0, 2], T),
            ([2, 1, 0, 0, 0, 0], F),
            ([0, 1, 5, 5, 5, 5], F),
            ([1, 0, 1, 1, 1, 0], E),
            ([1, 0, 0, 1, 1, 0], U),
            ([1, 0, 0, 0, 1, 0], NE),
            ([0, 0, 0, 0, 0, 3], NA),
            ([0, 0, 0, 0, 0, 0], U),
        ];
        let or: &[([usize; 6], ResultValue)] = &[
            ([1, 5, 5, 5, 5, 5], T),
            ([0, 1, 0, 0, 0, 0], F),
            ([0, 2, 0, 0, 0, 1], F),
            ([0, 1, 1, 1, 1, 0], E),
            ([0, 1, 0, 1, 1, 0], U),
            ([0, 1, 0, 0, 1, 0], NE),
            ([0, 0, 0, 0, 0, 1], NA),
        ];
        let one: &[([usize; 6], ResultValue)] = &[
            ([1, 0, 0, 0, 0, 0], T),
            ([1, 4, 0, 0, 0, 2], T),
            ([2, 0, 0, 0, 0, 0], F),
            ([2, 0, 3, 3, 3, 0], F),
            ([0, 3, 0, 0, 0, 0], F),
            ([1, 0, 1, 0, 0, 0], E),
            ([0, 1, 1, 1, 1, 0], E),
            ([1, 0, 0, 1, 0, 0], U),
            ([0, 0, 0, 1, 1, 0], U),
            ([1, 1, 0, 0, 1, 0], NE),
            ([0, 0, 0, 0, 0, 1], NA),
        ];
        let xor: &[([usize; 6], ResultValue)] = &[
            ([1, 0, 0, 0, 0, 0], T),
            ([3, 2, 0, 0, 0, 1], T),
            ([2, 0, 0, 0, 0, 0], F),
            ([0, 2, 0, 0, 0, 0], F),
            ([1, 0, 1, 1, 1, 0], E),
            ([2, 0, 0, 1, 1, 0], U),
            ([1, 0, 0, 0, 1, 0], NE),
            ([0, 0, 0, 0, 0, 2], NA),
        ];
        for (op, table) in [
            (Operator::And, and),
            (Operator::Or, or),
            (Operator::One, one),
            (Operator::Xor, xor),
        ] {
            for (counts, want) in table {
                assert_eq!(combine(op, rs(*counts)), *want, "{op} {counts:?}");
            }
        }
    }

    /// Every row of the CheckEnumeration table (all/at least one/only one share the operator
    /// tables; none satisfy is its own).
    #[test]
    fn check_tables() {
        let none: &[([usize; 6], ResultValue)] = &[
            ([0, 1, 0, 0, 0, 0], T),
            ([0, 3, 0, 0, 0, 2], T),
            ([1, 0, 0, 0, 0, 0], F),
            ([1, 3, 3, 3, 3, 3], F),
            ([0, 1, 1, 1, 1, 0], E),
            ([0, 1, 0, 1, 1, 0], U),
            ([0, 1, 0, 0, 1, 0], NE),
            ([0, 0, 0, 0, 0, 1], NA),
            ([0, 0, 0, 0, 0, 0], U),
        ];
        for c in [Check::NoneSatisfy, Check::NoneExist] {
            for (counts, want) in none {
                assert_eq!(check(c, rs(*counts)), *want, "{c} {counts:?}");
            }
        }
        for (c, op) in [
            (Check::All, Operator::And),
            (Check::AtLeastOne, Operator::Or),
            (Check::OnlyOne, Operator::One),
        ] {
            for t in 0..3 {
                for f in 0..2 {
                    for e in 0..2 {
                        for u in 0..2 {
                            for ne in 0..2 {
                                for na in 0..2 {
                                    let r = rs([t, f, e, u, ne, na]);
                                    assert_eq!(check(c, r.clone()), combine(op, r));
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn negation() {
        assert_eq!(negate(T), F);
        assert_eq!(negate(F), T);
        for r in [E, U, NE, NA] {
            assert_eq!(negate(r), r);
        }
    }

    /// Every row of the ExistenceEnumeration table, as (ex, dne, er, nc) → result.
    #[test]
    fn existence_table() {
        let ic = |exists, does_not_exist, error, not_collected| ItemCounts {
            exists,
            does_not_exist,
            error,
            not_collected,
        };
        let rows: &[(Existence, ItemCounts, ResultValue)] = &[
            (Existence::AllExist, ic(1, 0, 0, 0), T),
            (Existence::AllExist, ic(2, 1, 1, 1), F),
            (Existence::AllExist, ic(0, 0, 0, 0), F),
            (Existence::AllExist, ic(1, 0, 1, 1), E),
            (Existence::AllExist, ic(1, 0, 0, 1), U),
            (Existence::AnyExist, ic(0, 0, 0, 0), T),
            (Existence::AnyExist, ic(0, 3, 0, 2), T),
            (Existence::AnyExist, ic(1, 0, 2, 0), T),
            (Existence::AnyExist, ic(0, 1, 1, 1), E),
            (Existence::AtLeastOneExists, ic(1, 1, 1, 1), T),
            (Existence::AtLeastOneExists, ic(0, 1, 0, 0), F),
            (Existence::AtLeastOneExists, ic(0, 0, 0, 0), F),
            (Existence::AtLeastOneExists, ic(0, 1, 1, 1), E),
            (Existence::AtLeastOneExists, ic(0, 1, 0, 1), U),
            (Existence::NoneExist, ic(0, 0, 0, 0), T),
            (Existence::NoneExist, ic(0, 2, 0, 0), T),
            (Existence::NoneExist, ic(1, 0, 1, 1), F),
            (Existence::NoneExist, ic(0, 1, 1, 1), E),
            (Existence::NoneExist, ic(0, 1, 0, 1), U),
            (Existence::OnlyOneExists, ic(1, 0, 0, 0), T),
            (Existence::OnlyOneExists, ic(1, 3, 0, 0), T),
            (Existence::OnlyOneExists, ic(2, 0, 1, 1), F),
            (Existence::OnlyOneExists, ic(0, 1, 0, 0), F),
            (Existence::OnlyOneExists, ic(1, 0, 1, 0), E),
            (Existence::OnlyOneExists, ic(0, 0, 1, 1), E),
            (Existence::OnlyOneExists, ic(1, 0, 0, 1), U),
        ];
        for (e, counts, want) in rows {
            assert_eq!(existence(*e, *counts), *want, "{e} {counts:?}");
        }
    }

    #[test]
    fn item_counts_and_item_results() {
        let c = ItemCounts::of([ItemStatus::Exists, ItemStatus::Exists, ItemStatus::Error]);
        assert_eq!(
            c,
            ItemCounts {
                exists: 2,
                error: 1,
                ..ItemCounts::default()
            }
        );
        assert_eq!(item_result(ItemStatus::Error, || T), E);
        assert_eq!(item_result(ItemStatus::NotCollected, || T), E);
        assert_eq!(item_result(ItemStatus::DoesNotExist, || T), F);
        assert_eq!(item_result(ItemStatus::Exists, || U), U);
    }

    /// Every row of the test evaluation table.
    #[test]
    fn test_result_rows() {
        let spec = |existence, check, has_state| TestSpec {
            existence,
            check,
            has_state,
        };
        let one = ItemCounts {
            exists: 1,
            ..ItemCounts::default()
        };
        let two = ItemCounts {
            exists: 2,
            ..ItemCounts::default()
        };
        let none = ItemCounts::default();
        let s = spec(Existence::AtLeastOneExists, Check::All, true);
        let any_nostate = spec(Existence::AnyExist, Check::All, false);
        let any_state = spec(Existence::AnyExist, Check::All, true);
        // Flags that stop evaluation.
        assert_eq!(test_result(Flag::Error, s, one, || T), E);
        assert_eq!(test_result(Flag::Error, any_nostate, none, || F), T);
        assert_eq!(test_result(Flag::Error, any_state, none, || T), E);
        assert_eq!(test_result(Flag::NotCollected, s, one, || T), U);
        assert_eq!(test_result(Flag::NotCollected, any_nostate, none, || F), T);
        assert_eq!(test_result(Flag::NotApplicable, s, one, || T), NA);
        assert_eq!(test_result(Flag::NotApplicable, any_nostate, none, || F), T);
        // does not exist: existence alone decides.
        for (e, want) in [
            (Existence::NoneExist, T),
            (Existence::AnyExist, T),
            (Existence::AllExist, F),
            (Existence::AtLeastOneExists, F),
            (Existence::OnlyOneExists, F),
        ] {
            assert_eq!(
                test_result(Flag::DoesNotExist, spec(e, Check::All, true), none, || T),
                want,
                "{e}"
            );
        }
        // complete: existence, then the state check.
        assert_eq!(test_result(Flag::Complete, s, one, || F), F);
        assert_eq!(test_result(Flag::Complete, s, one, || T), T);
        assert_eq!(test_result(Flag::Complete, s, none, || T), F);
        assert_eq!(
            test_result(
                Flag::Complete,
                spec(Existence::AtLeastOneExists, Check::All, false),
                one,
                || F
            ),
            T
        );
        assert_eq!(
            test_result(
                Flag::Complete,
                spec(Existence::NoneExist, Check::All, true),
                one,
                || T
            ),
            F
        );
        // incomplete: only decisive existence answers survive.
        let inc =
            |e, c, h, items, st| test_result(Flag::Incomplete, spec(e, c, h), items, move || st);
        assert_eq!(inc(Existence::AnyExist, Check::All, false, none, T), T);
        assert_eq!(
            inc(Existence::AtLeastOneExists, Check::All, false, one, T),
            T
        );
        assert_eq!(
            inc(Existence::AtLeastOneExists, Check::All, false, none, T),
            U
        );
        assert_eq!(inc(Existence::NoneExist, Check::All, false, one, T), F);
        assert_eq!(inc(Existence::NoneExist, Check::All, false, none, T), U);
        assert_eq!(inc(Existence::OnlyOneExists, Check::All, false, two, T), F);
        assert_eq!(inc(Existence::OnlyOneExists, Check::All, false, one, T), U);
        assert_eq!(inc(Existence::AllExist, Check::All, false, two, T), U);
        assert_eq!(
            inc(Existence::AtLeastOneExists, Check::AtLeastOne, true, one, T),
            T
        );
        assert_eq!(
            inc(Existence::AtLeastOneExists, Check::All, true, one, T),
            U
        );
        assert_eq!(
            inc(Existence::AtLeastOneExists, Check::All, true, one, F),
            F
        );
        assert_eq!(
            inc(Existence::AtLeastOneExists, Check::All, true, one, E),
            U
        );
        assert_eq!(
            inc(Existence::AnyExist, Check::NoneSatisfy, true, none, NA),
            U
        );
    }
}
