// Package sai owns vltgw's knowledge of SAI: the object types it uses, the
// metadata of their attributes (value kind; mandatory-on-create, create-only,
// read-only; allowed references, enum values, ranges), SAI status names,
// virtual object ids (VIDs), validation of creates and sets, and the ASIC_DB
// string codec that matches sairedis byte for byte (upper-case MACs,
// "oid:0x…", "N:a,b" lists, enums by name, entry keys as compact JSON with
// sorted members).
//
// The platform (platform/vs) validates with it, syncd translates ASIC_DB
// strings to HAL attributes with it, and orchagent formats its requests with
// it, so every layer agrees on one table.
package sai
