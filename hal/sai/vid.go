package sai

import (
	"strconv"
	"strings"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// VID layout (sairedis): bits 63–56 switch index, 55–48 object type,
// 38–0 a counter (orchagent's INCR VIDCOUNTER).
const vidCounterMask = 1<<39 - 1

// VID builds a virtual object id.
func VID(switchIndex uint8, t halv1.ObjectType, counter uint64) uint64 {
	return uint64(switchIndex)<<56 | uint64(t)&0xff<<48 | counter&vidCounterMask
}

// VIDType returns the object type encoded in an id.
func VIDType(vid uint64) halv1.ObjectType { return halv1.ObjectType(vid >> 48 & 0xff) }

// VIDSwitchIndex returns the switch index encoded in an id.
func VIDSwitchIndex(vid uint64) uint8 { return uint8(vid >> 56) }

// FormatOID renders an id as "oid:0x<lower-case hex>" ("oid:0x0" = null).
func FormatOID(v uint64) string { return "oid:0x" + strconv.FormatUint(v, 16) }

// ParseOID parses "oid:0x<hex>".
func ParseOID(s string) (uint64, error) {
	h, ok := strings.CutPrefix(s, "oid:0x")
	if !ok || h == "" {
		return 0, Errorf(halv1.Status_STATUS_INVALID_PARAMETER, "object id %q: want oid:0x<hex>", s)
	}
	v, err := strconv.ParseUint(h, 16, 64)
	if err != nil {
		return 0, Errorf(halv1.Status_STATUS_INVALID_PARAMETER, "object id %q: %v", s, err)
	}
	return v, nil
}
