//go:build !linux

package vs

import (
	"errors"
	"time"
)

func newAFPacketWire(ifname string, _ time.Duration) (Wire, error) {
	return nil, errors.New("afpacket wire " + ifname + ": AF_PACKET needs Linux")
}
