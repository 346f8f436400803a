// Package store is the port through which driftless persists host records:
// the [Store] contract, its errors, and [MemStore], the in-memory embedded
// default. It imports only hoststate, so every shell (reconcile, waiter, an
// HTTP API) and every implementation (MemStore, store/pgstore) meet here.
//
// The contract, checked for any implementation by store/storetest:
//
//   - Records: Get, an id-ordered List with paging ([Filter.After]), a Due
//     query (hosts whose NextCheck is at or before now, in due order),
//     compare-and-swap [Store.Update] on Record.Version and a batched
//     [Store.UpdateBatch] that writes what it can and reports which hosts
//     conflicted.
//   - Leases on the store's own clock, never a replica's, with a fencing
//     epoch: a write that carries a [Fence] whose lease has moved on is
//     refused with [ErrFenced].
//   - A change feed ([Store.Subscribe]) and per-host [Store.History] of
//     status changes, bounded by a retention setting.
//   - Connector reports for self-hosted machines, so every replica judges a
//     connector by the same last report.
//   - Time precision: [Store.Precision] says how finely the store keeps
//     times; every write returns exactly what a later read returns.
//
// See docs/ARCHITECTURE.md, "Store and Clock".
package store
