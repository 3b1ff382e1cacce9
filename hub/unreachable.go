package hub

import (
	"context"
	"errors"
	"fmt"
	"net/url"
)

// ErrUnreachable: the Hub could not be reached at all (DNS failure, refused
// or timed-out connection, no network) and the cache could not answer.
// Errors wrapping it say how to work offline.
var ErrUnreachable = errors.New("the Hugging Face Hub is unreachable")

// UnreachableError is a transport failure talking to the Hub. It matches
// ErrUnreachable with errors.Is and unwraps to the transport error.
type UnreachableError struct {
	Endpoint string
	Err      error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("%v at %s (%v); to work offline set HF_HUB_OFFLINE=1 and use what is in the Hugging Face cache, "+
		"pass a local directory instead of a Hub name, or set HF_ENDPOINT to a reachable mirror", ErrUnreachable, e.Endpoint, e.Err)
}

// Unwrap returns the transport error.
func (e *UnreachableError) Unwrap() error { return e.Err }

// Is reports target == ErrUnreachable.
func (e *UnreachableError) Is(target error) bool { return target == ErrUnreachable }

// unreachable wraps a transport error of an HTTP request to the Hub (not an
// answer from it, not the caller's cancellation) in *UnreachableError.
func (c *Client) unreachable(err error) error {
	var ue *url.Error
	if err == nil || errors.Is(err, context.Canceled) || !errors.As(err, &ue) {
		return err
	}
	var already *UnreachableError
	if errors.As(err, &already) {
		return err
	}
	return &UnreachableError{Endpoint: c.opts.Endpoint, Err: err}
}
