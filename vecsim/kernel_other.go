//go:build !amd64 || purego

package vecsim

func dotAccum(a, b []float32, acc *[dotLanes]float32) {
	*acc = [dotLanes]float32{}
	dotAccumGeneric(a, b, acc)
}

// Accelerated reports which kernel implementation is in use.
func Accelerated() string { return "generic" }

// kernelSet is one implementation of the float32 and int8 kernels.
type kernelSet struct {
	name       string
	kernTile   func(qp, dp []float32, dim int, tile *[tileLen]float32, rowmax *[kernQ]float32)
	kernSingle func(q, dp []float32, dim int, tile *[blockDocs]float32, rowmax *float32)
	dotAccum   func(a, b []float32, acc *[dotLanes]float32)
	dot        func(a, b []float32) float32
	int8Dots   func(q []int8, codes []uint8, stride int, out []int32)
}

func kernelSets() []kernelSet { return nil }

func dotFast(a, b []float32) (float32, bool) { return 0, false }
