package sairedis

import (
	"errors"
	"fmt"
)

// StatusSuccess is the SAI status name of success.
const StatusSuccess = "SAI_STATUS_SUCCESS"

// StatusError is a request syncd answered with a status other than success.
type StatusError struct {
	Op     string // create, remove, set, get, notify
	Key    string // SAI_OBJECT_TYPE_X:<id> (or the notify name)
	Status string // e.g. SAI_STATUS_TABLE_FULL
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: %s", e.Op, e.Key, e.Status)
}

// StatusOf returns the SAI status name carried by err: the status of a
// StatusError, "" for nil, else SAI_STATUS_FAILURE.
func StatusOf(err error) string {
	if err == nil {
		return ""
	}
	var se *StatusError
	if errors.As(err, &se) {
		return se.Status
	}
	return "SAI_STATUS_FAILURE"
}

// ErrTimeout is returned (wrapped) when syncd did not answer in time.
var ErrTimeout = errors.New("sairedis: no response from syncd")
