package platform

import (
	"errors"
	"time"
)

// RetryDelay tells a caller of Client.Send what to do with its error: retryable reports
// whether sending the undelivered events again can succeed (a *NetworkError with
// Retryable set: transport errors, 408, 429, 5xx); after is the platform's Retry-After
// delay, 0 when it sent none — wait at least that long, and otherwise use your own capped
// exponential backoff. nil, permanent *NetworkErrors (400, 401, 403, other 4xx) and any
// other error give (0, false).
func RetryDelay(err error) (after time.Duration, retryable bool) {
	var ne *NetworkError
	if errors.As(err, &ne) && ne.Retryable {
		return ne.RetryAfter, true
	}
	return 0, false
}
