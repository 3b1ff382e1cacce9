//go:build amd64 && !purego

package vecsim

func dotAccum(a, b []float32, acc *[dotLanes]float32) { dotAccumGeneric(a, b, acc) }

// Accelerated reports which kernel implementation is in use.
func Accelerated() string { return "generic" }
