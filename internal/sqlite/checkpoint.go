package sqlite

import (
	"context"
	"database/sql"
	"log/slog"
	"time"
)

// Checkpointer copies the WAL back into the database every interval with a
// PASSIVE checkpoint, which never waits for (or stalls) a writer, until
// stop is called; stop then runs a TRUNCATE checkpoint, so a cleanly
// stopped process leaves an empty WAL. Use it with Options.ManualCheckpoint.
func Checkpointer(db *sql.DB, interval time.Duration, log *slog.Logger) (stop func()) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if _, err := db.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)"); err != nil && ctx.Err() == nil {
					log.Warn("WAL checkpoint failed", "err", err)
				}
			}
		}
	}()
	return func() {
		cancel()
		<-done
		// Other processes may still be reading: TRUNCATE then waits up to
		// busy_timeout, and failing it only leaves the WAL for next time.
		if _, err := db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			log.Debug("final WAL checkpoint incomplete", "err", err)
		}
	}
}
