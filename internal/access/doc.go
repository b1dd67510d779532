// Package access is reldb's planner of access paths: how a query or a
// batched load reads a table's trees through a transaction. Package engine
// plans the Go API's queries and prefetches with it; the SQL layer plans
// its scans and joins with the same code.
//
// It owns:
//   - compiled conditions ([Bound]) and sort keys ([OrderTerm], [Order]);
//   - the single-table planner ([Plan.Choose]): the primary tree or the
//     secondary index that matches the most leading columns by equality,
//     then a range, then the requested order; [Plan.Scan] runs it;
//   - the join planner of batched loads: distinct key sets ([KeySet],
//     [DistinctKeys]), the seek-or-merge-scan choice ([Reader.Probe]) and
//     the gathering and per-parent arranging of related rows ([Gather]).
//
// Invariants:
//   - every condition is checked on every row a scan returns, except those
//     the key ranges already ensure (Bound.implied): a plan may read more
//     than it returns, never return what a condition refuses;
//   - a writer's scans are bounded to the keys they need, so its read set
//     (kept by package txn) covers what it read and no more than needed;
//     a reader's scans record nothing;
//   - keys handed to a writer's trees or read set come from its key arena
//     ([Reader.Arena]) and are never modified afterwards.
//
// It knows the catalog's definitions and reads through txn.Txn; it knows
// nothing of the public API, statistics or sessions.
package access
