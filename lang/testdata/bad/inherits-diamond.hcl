# valid
target "t0" {
  from = "alpine:3.20"
}
target "t1" {
  inherits = [target.t0, target.t0, target.t0]
}
target "t2" {
  inherits = [target.t1, target.t1, target.t1]
}
target "t3" {
  inherits = [target.t2, target.t2, target.t2]
}
target "t4" {
  inherits = [target.t3, target.t3, target.t3]
}
target "t5" {
  inherits = [target.t4, target.t4, target.t4]
}
target "t6" {
  inherits = [target.t5, target.t5, target.t5]
}
target "t7" {
  inherits = [target.t6, target.t6, target.t6]
}
target "t8" {
  inherits = [target.t7, target.t7, target.t7]
}
target "t9" {
  inherits = [target.t8, target.t8, target.t8]
}
target "t10" {
  inherits = [target.t9, target.t9, target.t9]
}
target "t11" {
  inherits = [target.t10, target.t10, target.t10]
}
target "t12" {
  inherits = [target.t11, target.t11, target.t11]
}
target "t13" {
  inherits = [target.t12, target.t12, target.t12]
}
target "t14" {
  inherits = [target.t13, target.t13, target.t13]
}
target "t15" {
  inherits = [target.t14, target.t14, target.t14]
}
target "t16" {
  inherits = [target.t15, target.t15, target.t15]
}
target "t17" {
  inherits = [target.t16, target.t16, target.t16]
}
target "t18" {
  inherits = [target.t17, target.t17, target.t17]
}
target "t19" {
  inherits = [target.t18, target.t18, target.t18]
}
target "t20" {
  inherits = [target.t19, target.t19, target.t19]
}
target "t21" {
  inherits = [target.t20, target.t20, target.t20]
}
target "t22" {
  inherits = [target.t21, target.t21, target.t21]
}
target "t23" {
  inherits = [target.t22, target.t22, target.t22]
}
target "t24" {
  inherits = [target.t23, target.t23, target.t23]
}
target "t25" {
  inherits = [target.t24, target.t24, target.t24]
}
target "t26" {
  inherits = [target.t25, target.t25, target.t25]
}
target "t27" {
  inherits = [target.t26, target.t26, target.t26]
}
target "t28" {
  inherits = [target.t27, target.t27, target.t27]
}
target "t29" {
  inherits = [target.t28, target.t28, target.t28]
}
target "t30" {
  inherits = [target.t29, target.t29, target.t29]
}
target "t31" {
  inherits = [target.t30, target.t30, target.t30]
}
target "t32" {
  inherits = [target.t31, target.t31, target.t31]
}
target "t33" {
  inherits = [target.t32, target.t32, target.t32]
}
target "t34" {
  inherits = [target.t33, target.t33, target.t33]
}
target "t35" {
  inherits = [target.t34, target.t34, target.t34]
}
target "t36" {
  inherits = [target.t35, target.t35, target.t35]
}
target "t37" {
  inherits = [target.t36, target.t36, target.t36]
}
target "t38" {
  inherits = [target.t37, target.t37, target.t37]
}
target "t39" {
  inherits = [target.t38, target.t38, target.t38]
}
