package vs

import (
	"github.com/vltgw/vltgw/hal/sai"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// set applies the attributes of a SET in order, all or none: each is
// validated (known, settable, well-formed, references) before any applies.
func (s *store) set(o *object, attrs []*halv1.Attribute) error {
	if len(attrs) == 0 {
		return statusErr(halv1.Status_STATUS_INVALID_PARAMETER, "%s %s: set without attributes", o.ti.meta.Name, describeKey(o.objectKey()))
	}
	idx := make([]int, len(attrs))
	for n, a := range attrs {
		if err := sai.ValidateSet(o.t(), a); err != nil {
			return err
		}
		i := o.ti.index[a.GetId()]
		if err := s.checkRefs(o.ti.meta.Attrs[i], a); err != nil {
			return err
		}
		if err := s.checkSet(o, i, a); err != nil {
			return err
		}
		idx[n] = i
	}
	s.unref(o)
	old := make([]*halv1.Attribute, len(attrs))
	for n, a := range attrs {
		old[n] = o.attrs[idx[n]]
		o.attrs[idx[n]] = a
	}
	s.ref(o)
	for n := range attrs {
		s.indexSet(o, idx[n], old[n])
	}
	return nil
}
