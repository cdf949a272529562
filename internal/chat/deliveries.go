package chat

import (
	"context"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
)

// Deliveries remembers what a platform delivered and the bot acted on (a
// signed request's signature, a Socket Mode envelope, an interaction id),
// so that a delivery made again acts once: Slack resends a Socket Mode
// envelope that was not acknowledged in time, to another connection,
// which may be another replica's; Discord resends over a resumed gateway;
// anyone who saw a signed request may replay it within its freshness
// window.
//
// Replays keeps them in this process: enough for one bot process. With
// several replicas behind a load balancer, StoredDeliveries keeps them in
// the shared database, so each delivery acts once across all of them.
type Deliveries interface {
	// Seen reports whether key was recorded within the last keep (or the
	// keep it was recorded with): a delivery made again. If not, it
	// records key, for keep. Two callers racing on one key, in one process
	// or in two, get exactly one false.
	//
	// On error nothing is known: the caller must not act (it would act
	// twice if the delivery was made before) and says so to the person,
	// once. See ErrDeliveryUnknown.
	Seen(ctx context.Context, key string, keep time.Duration) (bool, error)
}

// ErrDeliveryUnknown is what a person is told when their command or press
// is not acted on because the bot could not tell whether it was acted on
// already (the database did not answer): failing closed. They can send
// it again; a platform's own retry of it is checked again, and acted on
// once the database answers.
var ErrDeliveryUnknown = fault.Errorf(fault.Unavailable,
	"not acted on: the bot cannot check for a repeated delivery right now (its database did not answer); try again in a moment")

// Refuse tells the person behind r, privately and in the background, that
// what they sent was not acted on, and why (ErrDeliveryUnknown): Wait
// waits for it like a command.
func (cv *Conversations) Refuse(r Replier, err error) {
	cv.wg.Add(1)
	go func() {
		defer cv.wg.Done()
		cv.try(r.Ephemeral(cv.base, Reply{Err: err}), "say a delivery was not acted on")
	}()
}
