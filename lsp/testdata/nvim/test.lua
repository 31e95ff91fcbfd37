-- Drives `buildlang lsp` from a real Neovim: opens a build file, waits for
-- diagnostics, requests completion, and writes what it got as JSON.
-- Works on Neovim 0.7 (Debian 12) and later.
local bin = os.getenv("BUILDLANG_BIN")
local file = os.getenv("NVIM_LSP_FILE")
local out = os.getenv("NVIM_LSP_OUT")
local line = tonumber(os.getenv("NVIM_LSP_LINE"))
local col = tonumber(os.getenv("NVIM_LSP_COL"))

local result = { diagnostics = {}, completion = {}, errors = {} }
local function finish()
  vim.fn.writefile({ vim.fn.json_encode(result) }, out)
  vim.cmd("qa!")
end

local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local config = { name = "buildlang", cmd = { bin, "lsp" }, root_dir = vim.fn.fnamemodify(file, ":p:h") }
  local id
  if vim.lsp.start then
    id = vim.lsp.start(config)
  else
    id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(buf, id)
  end
  if not vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 20) then
    table.insert(result.errors, "no diagnostics within 30s")
  end
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(result.diagnostics, { line = d.lnum, message = d.message, code = d.code or "" })
  end
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = col } }
  local responses = vim.lsp.buf_request_sync(buf, "textDocument/completion", params, 30000)
  for _, r in pairs(responses or {}) do
    if r.err then
      table.insert(result.errors, vim.inspect(r.err))
    end
    local items = r.result and (r.result.items or r.result) or {}
    for _, it in ipairs(items) do
      table.insert(result.completion, it.label)
    end
  end
end)
if not ok then
  table.insert(result.errors, tostring(err))
end
finish()
