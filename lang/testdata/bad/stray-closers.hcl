# want: Argument or block definition required
]]]]]]]]]]}}}}}}}}}})))))))))))
target "app" {}
