package store

// Lock order
//
// Every write transaction takes the row locks it needs in this order, so
// that two transactions never wait for each other in a cycle (PostgreSQL
// would end one with "deadlock detected", 40P01; SQLite runs one writer at
// a time and never deadlocks):
//
//  1. instances, in id order (InstanceClaimChange, InstanceLock,
//     InstanceTransition, ...). An action on an instance that also moves
//     money takes the instance first: a spec change claims it, a renewal
//     (RenewInstance, the expiry timer's auto-renewal) locks it with
//     InstanceLock before paying.
//  2. the account's monthly downgrade count (DowngradeCountAdd).
//  3. the account (AccountLock, LedgerEntryInsert through billing.Pay and
//     billing.Refund, LedgerDebitSplit): the most contended row of one
//     account, so it comes late and is held for the shortest time. A
//     payment writes its ledger entries before it and takes it with the
//     one statement that debits (LedgerDebitSplit).
//  4. stock rows: shared by every account, each (zone, type) held by
//     several shards. A give or a take picks one shard that no one holds
//     (SKIP LOCKED, never waiting); only when none will do does a take
//     lock every shard of its type, in shard order, and a give wait for
//     one. A spec change gives back the old type and then takes the new
//     (StockMove), and an all-or-nothing purchase takes its stock, in
//     Tx.Last, after everything else of the transaction, so they are held
//     only for the commit. A purchase with MinAmount below Amount takes
//     its stock first, before the account: how many it makes depends on
//     it. Two waiting moves between the same types in opposite directions
//     can still deadlock; InTx retries the one PostgreSQL ends.
//  5. orders, ledger entries, timers, idempotency records, River jobs: new
//     rows, or rows of one order, that no other order of locking reaches;
//     where they are written does not matter to the order, and Tx.Last
//     runs after them.
//
// The counters that triggers keep (instance_counts, disk_capacity,
// disk_counts, order_counts; migration 00080) are locked right after the
// row they count, and two of one kind in key order: an instance's new
// type, or a purchase's new instances, take their instance_counts rows at
// once. No transaction takes an instance's or an account's lock after
// changing a counted row's type, zone or category.
//
// A purchase (RunInstances) inserts its instances after the account's lock;
// new rows are locked by nobody else, so it keeps the order. Paying an
// Unpaid order takes the account and then the order row; cancelling one
// takes the order row and then its instances; neither holds what the other
// waits for.
//
// An account's default resource group is inserted (or found) before the
// account's lock, by RunInstances as by CreateKeyPair and ImportKeyPair,
// which then lock the account to count its key pairs against the quota.
//
// What is retried: InTx runs a transaction again from the start, up to five
// times with a short random pause, when PostgreSQL ends it with a
// serialization failure (40001) or a deadlock (40P01). What is not: every
// other error. A store that cannot answer (connection lost or refused,
// admin shutdown 57P01/57P02/57P03, disk full, read-only, SQLite's lock
// held beyond busy_timeout, and the two above beyond their retries) is an
// *UnavailableError, which the API answers with ServiceUnavailable (503).
