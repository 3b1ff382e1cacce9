package catalog

import "testing"

// Every shape belongs to a catalog model (no typo in an id), and every
// model the converter runs has one.
func TestShapesNameCatalogModels(t *testing.T) {
	for id := range shapes {
		if _, ok := Lookup(id); !ok {
			t.Errorf("shape for %s: not in the catalog", id)
		}
	}
	for _, m := range All() {
		s, ok := m.Shape()
		if m.Converted() && !ok {
			t.Errorf("%s: converted but no shape", m.ID)
		}
		if ok && (s.Heads <= 0 || s.Intermediate <= 0 || s.MaxPositions <= 0 || s.Layers <= 0 || m.HiddenSize%s.Heads != 0) {
			t.Errorf("%s: shape %+v (hidden %d)", m.ID, s, m.HiddenSize)
		}
	}
}
