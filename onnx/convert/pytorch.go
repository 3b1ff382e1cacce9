package convert

import "fmt"

// readPytorchBin reads pytorch_model.bin. Not implemented yet: the error
// says so rather than guessing.
func readPytorchBin(path string) (*Checkpoint, error) {
	return nil, fmt.Errorf("convert: %s: pytorch_model.bin checkpoints are not supported yet (convert the weights to model.safetensors)", path)
}
