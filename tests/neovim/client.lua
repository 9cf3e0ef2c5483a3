-- A second language client for `physc lsp`: Neovim's own (0.7 or later),
-- run headless by tests/neovim.rs. It opens the model named by
-- $PHYSC_MODEL, waits for its diagnostics, asks for a hover at
-- $PHYSC_HOVER ("line:character", 0-based) and writes what it saw to
-- $PHYSC_REPORT, one fact per line; the Rust test judges it.

local report = {}
local function say(line) table.insert(report, line) end
local function finish(status)
  vim.fn.writefile(report, os.getenv("PHYSC_REPORT"))
  vim.cmd(status == 0 and "qall!" or "cquit! " .. status)
end

vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("PHYSC_MODEL")))
local buf = vim.api.nvim_get_current_buf()
local client = vim.lsp.start_client({
  name = "physc",
  cmd = { os.getenv("PHYSC"), "lsp" },
  root_dir = vim.fn.fnamemodify(os.getenv("PHYSC_MODEL"), ":h"),
})
if not client then
  say("no client")
  finish(1)
  return
end
vim.lsp.buf_attach_client(buf, client)

local published = vim.wait(20000, function()
  return #vim.diagnostic.get(buf) > 0
end, 20)
if not published then
  say("no diagnostics")
  finish(1)
  return
end
for _, d in ipairs(vim.diagnostic.get(buf)) do
  say(string.format("diagnostic %s %d:%d %s", d.code, d.lnum, d.col, d.message:gsub("\n.*", "")))
end

local line, character = os.getenv("PHYSC_HOVER"):match("(%d+):(%d+)")
local params = {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = tonumber(line), character = tonumber(character) },
}
local answers = vim.lsp.buf_request_sync(buf, "textDocument/hover", params, 20000) or {}
for _, answer in pairs(answers) do
  if answer.result and answer.result.contents then
    local value = answer.result.contents.value or ""
    say("hover " .. value:gsub("\n", " "))
  end
end
vim.lsp.stop_client(client)
finish(0)
