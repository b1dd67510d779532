package catalog

type Column struct {
	Table            string
	Name             string
	Type             Type
	NotNull          bool
	Default          any // coerced default
	AutoInc          bool
	Precision, Scale int
}
