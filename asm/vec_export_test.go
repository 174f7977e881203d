package asm

// The pure-Go twins, for the differential tests in package asm_test.
var (
	MulGo        = mulGo
	MulConjGo    = mulConjGo
	MulConjAccGo = mulConjAccGo
	ScaleGo      = scaleGo
	AxpyGo       = axpyGo
	XpayGo       = xpayGo
	DotcGo       = dotcGo
	Norm2Go      = norm2Go
	MaskCopyGo   = maskCopyGo
	AbsGo        = absGo
	AddAbs2Go    = addAbs2Go
	SqrtGo       = sqrtGo
)

// HasVec reports whether every vector kernel has its own implementation on path p.
func HasVec(p Path) bool {
	return mulKernel.Has(p) && mulConjKernel.Has(p) && mulConjAccKernel.Has(p) &&
		scaleKernel.Has(p) && axpyKernel.Has(p) && xpayKernel.Has(p) && dotcKernel.Has(p) &&
		norm2Kernel.Has(p) && maskCopyKernel.Has(p) && absKernel.Has(p) &&
		addAbs2Kernel.Has(p) && sqrtKernel.Has(p)
}
