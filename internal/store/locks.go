package store

// LockID names one PostgreSQL advisory lock. The values are fixed: every
// replica, of every version, must take the same lock for the same thing.
type LockID int64

const (
	// LockMigrations serializes schema migrations of replicas starting
	// together.
	LockMigrations LockID = 0x7670736f_00000001
	// LockApprovalFeed orders the approval change feed: every transaction
	// that appends an event takes it first, so versions are handed out in
	// commit order, as SQLite's single writer does (see approval.Feed).
	LockApprovalFeed LockID = 0x7670736f_00000002
	// LockDemoFleet serializes updates of the demo fleet's state.
	LockDemoFleet LockID = 0x7670736f_00000004
)

func (l LockID) String() string {
	switch l {
	case LockMigrations:
		return "migrations"
	case LockApprovalFeed:
		return "approval feed"
	case LockDemoFleet:
		return "demo fleet"
	}
	return "advisory"
}
