// Package storage is the port between medjournal's workflows and a database backend: the
// errors a backend reports, the plain rows and filters it reads and writes, and the
// transaction a journal write runs in (JournalTx). It holds no implementation; the SQLite
// backend is package store, and every backend reports its failures as these sentinels so
// that callers never see a driver's error type.
//
// Backends keep the invariants written down in docs/ARCHITECTURE.md ("Invariants"): above
// all, every write of one patient's journal moves that patient's JournalVersion in its
// own transaction, so that two writes of one patient are serialized by that row.
package storage
