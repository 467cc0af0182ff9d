package sai

import (
	"errors"
	"fmt"
	"strings"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// StatusError is an error that carries the SAI status describing it.
type StatusError struct {
	Status halv1.Status
	Msg    string
}

func (e *StatusError) Error() string { return StatusName(e.Status) + ": " + e.Msg }

// Errorf returns a *StatusError with a formatted message.
func Errorf(st halv1.Status, format string, a ...any) error {
	return &StatusError{Status: st, Msg: fmt.Sprintf(format, a...)}
}

// StatusOf returns the status an error carries, def when it carries none,
// and SUCCESS for nil.
func StatusOf(err error, def halv1.Status) halv1.Status {
	if err == nil {
		return halv1.Status_STATUS_SUCCESS
	}
	var se *StatusError
	if errors.As(err, &se) {
		return se.Status
	}
	return def
}

// StatusName is the SAI name of a status, e.g. SAI_STATUS_TABLE_FULL.
func StatusName(st halv1.Status) string { return "SAI_" + st.String() }

// StatusFromName parses a SAI status name.
func StatusFromName(name string) (halv1.Status, bool) {
	v, ok := halv1.Status_value[strings.TrimPrefix(name, "SAI_")]
	if !ok || !strings.HasPrefix(name, "SAI_STATUS_") {
		return 0, false
	}
	return halv1.Status(v), true
}
