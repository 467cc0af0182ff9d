package orchagent

import (
	"sort"
	"strings"
)

// users is the set of rows that reference an object; an object with users
// cannot be removed (SAI would answer OBJECT_IN_USE).
type users map[string]struct{}

func (u *users) add(name string) {
	if *u == nil {
		*u = make(users)
	}
	(*u)[name] = struct{}{}
}

func (u users) del(name string) { delete(u, name) }

// String lists up to three users, for reasons.
func (u users) String() string {
	names := make([]string, 0, len(u))
	for n := range u {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) > 3 {
		return strings.Join(names[:3], ", ") + ", …"
	}
	return strings.Join(names, ", ")
}
