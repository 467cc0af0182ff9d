// Package sairedis is orchagent's ASIC_DB client: the Go counterpart of
// sonic-sairedis' RedisRemoteSaiInterface in synchronous mode.
//
// Requests go on the ASIC_STATE ordered queue (swss ProducerTable) in the
// sairedis format: create/remove/set/get with key "SAI_OBJECT_TYPE_X:<id>",
// bulkcreate/bulkremove/bulkset with key "SAI_OBJECT_TYPE_X:<count>" and one
// field per object (value "attr=val|attr=val"), and notify INIT_VIEW /
// APPLY_VIEW. syncd answers every request, in order, on the GETRESPONSE
// queue; the client waits for those answers once per Flush.
//
// Object ids are virtual ids (VIDs) allocated here from the ASIC_DB
// VIDCOUNTER with INCRBY, a chunk at a time. Entry objects (route,
// neighbour, FDB) are named by a halv1.ObjectKey and serialized as sairedis
// does (compact JSON with sorted members).
//
// Files: attr.go (attribute values in ASIC_DB string form), key.go (object
// keys), vid.go (VID layout and allocation), batch.go (recording ops and
// grouping them into bulk requests), wire.go (queue items and replies),
// client.go (transport, waiting, get, notify), status.go (errors).
//
// A Client is owned by one goroutine (orchagent's event loop); its methods
// are serialized by a mutex only as a safety net.
package sairedis
