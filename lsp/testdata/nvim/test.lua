-- Drives `buildlang lsp` from a real Neovim: opens a build file, waits for
-- diagnostics, requests completion, fixes the line it completed on, asks
-- for code lenses, document links, workspace symbols, selection ranges and
-- range formatting (applying its edits), and writes what it got as JSON.
-- Works on Neovim 0.7 (Debian 12) and later.
local bin = os.getenv("BUILDLANG_BIN")
local file = os.getenv("NVIM_LSP_FILE")
local out = os.getenv("NVIM_LSP_OUT")
local line = tonumber(os.getenv("NVIM_LSP_LINE"))
local col = tonumber(os.getenv("NVIM_LSP_COL"))

local fixed = os.getenv("NVIM_LSP_FIXED_LINE")
local fmt_line = tonumber(os.getenv("NVIM_LSP_FORMAT_LINE"))

local result = { diagnostics = {}, completion = {}, errors = {}, code_lens = {}, links = {},
  symbols = {}, selection = {}, range_formatting = {}, lens_run = {} }
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

  -- Fix the syntax error, then ask for what needs a whole file.
  vim.api.nvim_buf_set_lines(buf, line, line + 1, false, { fixed })
  vim.wait(300) -- let the change reach the server, whatever the client's debounce
  local uri = vim.uri_from_bufnr(buf)
  local function request(method, p)
    local rs = vim.lsp.buf_request_sync(buf, method, p, 30000)
    for _, r in pairs(rs or {}) do
      if r.err then
        table.insert(result.errors, method .. ": " .. vim.inspect(r.err))
      end
      return r.result or {}
    end
    table.insert(result.errors, method .. ": no response")
    return {}
  end
  local doc = { uri = uri }
  for _, l in ipairs(request("textDocument/codeLens", { textDocument = doc })) do
    local arg = l.command.arguments and l.command.arguments[1] or {}
    table.insert(result.code_lens, { line = l.range.start.line, title = l.command.title,
      command = l.command.command, args = arg.args or {} })
  end
  for _, l in ipairs(request("textDocument/documentLink", { textDocument = doc })) do
    table.insert(result.links, { line = l.range.start.line, target = l.target })
  end
  for _, s in ipairs(request("workspace/symbol", { query = "" })) do
    table.insert(result.symbols, { name = s.name, kind = s.kind, uri = s.location.uri })
  end
  local sel = request("textDocument/selectionRange", { textDocument = doc, positions = { { line = line, character = col } } })
  local r = sel[1]
  while r do
    table.insert(result.selection, { r.range.start.line, r.range.start.character, r.range["end"].line, r.range["end"].character })
    r = r.parent
  end
  -- Run the first lens of the target's line as editors/README.md says:
  -- Neovim's codelens.run calls vim.lsp.commands[command], which the
  -- README points at a terminal running the lens's args.
  local ran
  vim.lsp.commands["buildlang.build"] = function(command) ran = command.arguments[1] end
  vim.ui.select = function(items, _, on_choice) on_choice(items[1], 1) end
  vim.lsp.codelens.refresh()
  if vim.wait(10000, function() return #vim.lsp.codelens.get(buf) > 0 end, 20) and #result.code_lens > 0 then
    vim.api.nvim_win_set_cursor(0, { result.code_lens[1].line + 1, 0 })
    vim.lsp.codelens.run()
    vim.wait(5000, function() return ran ~= nil end, 20)
  end
  result.lens_run = ran and ran.args or { "(not run)" }
  local edits = request("textDocument/rangeFormatting", { textDocument = doc,
    range = { start = { line = fmt_line, character = 0 }, ["end"] = { line = fmt_line + 1, character = 0 } } })
  vim.lsp.util.apply_text_edits(edits, buf, "utf-16")
  result.range_formatting = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
end)
if not ok then
  table.insert(result.errors, tostring(err))
end
finish()
