package cfgmgr

import (
	"errors"
	"fmt"
)

// KeyField is the field name reported when the key itself is at fault.
const KeyField = "key"

// Rejection says why a CONFIG_DB row is not applied. Pending rejections wait
// for another row (they clear by themselves when it appears).
type Rejection struct {
	Field   string
	Reason  string
	Pending bool
}

// Error is a validation failure of one field of a row; it becomes a Rejection.
type Error struct {
	Field   string
	Reason  string
	Pending bool
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.Reason
	}
	return e.Field + ": " + e.Reason
}

// invalid returns an Error for a field whose value is wrong.
func invalid(field, format string, args ...any) *Error {
	return &Error{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// pending returns an Error for a row that waits for another row.
func pending(field, format string, args ...any) *Error {
	return &Error{Field: field, Reason: fmt.Sprintf(format, args...), Pending: true}
}

// rejectionOf turns a validation error into a Rejection.
func rejectionOf(err error) *Rejection {
	var e *Error
	if errors.As(err, &e) {
		return &Rejection{Field: e.Field, Reason: e.Reason, Pending: e.Pending}
	}
	return &Rejection{Field: KeyField, Reason: err.Error()}
}
