# want: Too many evaluation steps
function "f0" {
  params = [x]
  result = x
}
function "f1" {
  params = [x]
  result = f0(x) + f0(x)
}
function "f2" {
  params = [x]
  result = f1(x) + f1(x)
}
function "f3" {
  params = [x]
  result = f2(x) + f2(x)
}
function "f4" {
  params = [x]
  result = f3(x) + f3(x)
}
function "f5" {
  params = [x]
  result = f4(x) + f4(x)
}
function "f6" {
  params = [x]
  result = f5(x) + f5(x)
}
function "f7" {
  params = [x]
  result = f6(x) + f6(x)
}
function "f8" {
  params = [x]
  result = f7(x) + f7(x)
}
function "f9" {
  params = [x]
  result = f8(x) + f8(x)
}
function "f10" {
  params = [x]
  result = f9(x) + f9(x)
}
function "f11" {
  params = [x]
  result = f10(x) + f10(x)
}
function "f12" {
  params = [x]
  result = f11(x) + f11(x)
}
function "f13" {
  params = [x]
  result = f12(x) + f12(x)
}
function "f14" {
  params = [x]
  result = f13(x) + f13(x)
}
function "f15" {
  params = [x]
  result = f14(x) + f14(x)
}
function "f16" {
  params = [x]
  result = f15(x) + f15(x)
}
function "f17" {
  params = [x]
  result = f16(x) + f16(x)
}
function "f18" {
  params = [x]
  result = f17(x) + f17(x)
}
function "f19" {
  params = [x]
  result = f18(x) + f18(x)
}
function "f20" {
  params = [x]
  result = f19(x) + f19(x)
}
function "f21" {
  params = [x]
  result = f20(x) + f20(x)
}
function "f22" {
  params = [x]
  result = f21(x) + f21(x)
}
function "f23" {
  params = [x]
  result = f22(x) + f22(x)
}
function "f24" {
  params = [x]
  result = f23(x) + f23(x)
}
function "f25" {
  params = [x]
  result = f24(x) + f24(x)
}
function "f26" {
  params = [x]
  result = f25(x) + f25(x)
}
function "f27" {
  params = [x]
  result = f26(x) + f26(x)
}
function "f28" {
  params = [x]
  result = f27(x) + f27(x)
}
function "f29" {
  params = [x]
  result = f28(x) + f28(x)
}
function "f30" {
  params = [x]
  result = f29(x) + f29(x)
}
function "f31" {
  params = [x]
  result = f30(x) + f30(x)
}
function "f32" {
  params = [x]
  result = f31(x) + f31(x)
}
function "f33" {
  params = [x]
  result = f32(x) + f32(x)
}
function "f34" {
  params = [x]
  result = f33(x) + f33(x)
}
function "f35" {
  params = [x]
  result = f34(x) + f34(x)
}
function "f36" {
  params = [x]
  result = f35(x) + f35(x)
}
function "f37" {
  params = [x]
  result = f36(x) + f36(x)
}
function "f38" {
  params = [x]
  result = f37(x) + f37(x)
}
function "f39" {
  params = [x]
  result = f38(x) + f38(x)
}
function "f40" {
  params = [x]
  result = f39(x) + f39(x)
}
function "f41" {
  params = [x]
  result = f40(x) + f40(x)
}
function "f42" {
  params = [x]
  result = f41(x) + f41(x)
}
function "f43" {
  params = [x]
  result = f42(x) + f42(x)
}
function "f44" {
  params = [x]
  result = f43(x) + f43(x)
}
function "f45" {
  params = [x]
  result = f44(x) + f44(x)
}
function "f46" {
  params = [x]
  result = f45(x) + f45(x)
}
function "f47" {
  params = [x]
  result = f46(x) + f46(x)
}
function "f48" {
  params = [x]
  result = f47(x) + f47(x)
}
function "f49" {
  params = [x]
  result = f48(x) + f48(x)
}
function "f50" {
  params = [x]
  result = f49(x) + f49(x)
}
function "f51" {
  params = [x]
  result = f50(x) + f50(x)
}
function "f52" {
  params = [x]
  result = f51(x) + f51(x)
}
function "f53" {
  params = [x]
  result = f52(x) + f52(x)
}
function "f54" {
  params = [x]
  result = f53(x) + f53(x)
}
function "f55" {
  params = [x]
  result = f54(x) + f54(x)
}
function "f56" {
  params = [x]
  result = f55(x) + f55(x)
}
function "f57" {
  params = [x]
  result = f56(x) + f56(x)
}
function "f58" {
  params = [x]
  result = f57(x) + f57(x)
}
function "f59" {
  params = [x]
  result = f58(x) + f58(x)
}
locals {
  v = f59(1)
}
target "app" {
  from = "alpine:3.20"
  args = { V = "${local.v}" }
}
