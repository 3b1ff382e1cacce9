package modeldir

import "testing"

// With two positive-looking labels the choice must not depend on map order.
func TestPositiveLabelDeterministic(t *testing.T) {
	c := &Config{NumLabels: 3, ID2Label: map[int]string{0: "no", 1: "yes", 2: "relevant"}}
	for i := 0; i < 50; i++ {
		if got := c.PositiveLabel(); got != 1 {
			t.Fatalf("PositiveLabel = %d, want 1 (lowest positive id)", got)
		}
	}
	c = &Config{NumLabels: 2, ID2Label: map[int]string{0: "LABEL_0", 1: "LABEL_1"}}
	if got := c.PositiveLabel(); got != 1 {
		t.Errorf("binary LABEL_1: %d", got)
	}
}
