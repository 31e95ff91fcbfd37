# want: Too many evaluation steps
# 100 targets, each interpolating 800 kB: the budget runs out in the
# targets, evaluated on every core, so check evaluates them again in
# source order (lang resolveAll) and reports the same target each time.
locals {
  s = join("", [for i in range(1000) : "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"])
}
target "t0" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t1" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t2" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t3" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t4" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t5" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t6" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t7" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t8" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t9" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t10" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t11" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t12" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t13" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t14" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t15" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t16" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t17" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t18" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t19" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t20" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t21" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t22" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t23" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t24" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t25" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t26" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t27" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t28" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t29" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t30" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t31" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t32" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t33" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t34" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t35" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t36" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t37" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t38" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t39" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t40" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t41" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t42" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t43" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t44" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t45" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t46" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t47" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t48" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t49" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t50" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t51" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t52" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t53" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t54" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t55" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t56" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t57" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t58" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t59" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t60" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t61" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t62" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t63" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t64" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t65" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t66" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t67" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t68" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t69" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t70" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t71" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t72" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t73" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t74" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t75" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t76" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t77" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t78" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t79" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t80" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t81" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t82" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t83" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t84" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t85" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t86" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t87" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t88" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t89" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t90" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t91" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t92" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t93" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t94" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t95" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t96" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t97" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t98" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
target "t99" {
  from = "alpine:3.20"
  args = { A = "${local.s}${local.s}${local.s}${local.s}", B = "${local.s}${local.s}${local.s}${local.s}" }
}
