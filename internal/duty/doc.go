// Package duty elects, among the replicas sharing one database, the one
// that does a singleton job (a duty): sweeping expired approval requests,
// holding the Discord gateway connection. At most one replica holds a
// duty at a time, and another takes it over within about 13 seconds when
// the holder dies (SIGKILL, its node gone) or loses the database.
//
// A duty is a lease: one row of the table duties (name, holder, until).
// A replica takes it, or renews it, with one conditional statement,
//
//	INSERT ... ON CONFLICT (name) DO UPDATE ... WHERE holder = me OR until <= now
//
// which the database decides for exactly one caller however many race;
// the others change nothing. The lease lasts 10 seconds and the holder
// renews it every 3. Candidates try every 3 seconds too, so a dead
// holder's duty moves at most a lease and a try after its last renewal.
//
// The holder stops doing the duty (its fn's context is cancelled) as soon
// as it can no longer be sure of holding it: when a renewal finds another
// holder, or when none has succeeded for three quarters of a lease since
// the last good one was sent. It counts that time on its own monotonic
// clock from the moment it sent the statement, which is before the
// database stamped the lease, so it gives up at least a quarter of a lease
// (2.5 s, for fn to return) before anyone else may take over, whatever
// the replicas' wall clocks say.
//
// Times in the table come from one clock: on PostgreSQL the database
// server's, read inside the statement (replicas on several nodes may
// disagree about the time; the server is the one referee); on SQLite,
// whose replicas are processes on one host, the process clock
// (Options.Clock, so unit tests can move it). What remains is the caveat
// every lease has: the referee clock must not jump forward by more than
// the margin, and a holder must not be frozen (a stopped VM, a paused
// process) for longer than the margin without noticing: either lets two
// replicas act at once for a moment. A duty must therefore still be safe
// to do twice (the approval sweep is: every transition it makes is
// conditional); the election makes it rare, not impossible.
//
// A clean stop (ctx ends) releases the lease at once, after fn returned,
// so the next candidate takes over at its next try rather than a lease
// later.
package duty
