// Puts an answer template into the answer being written, at the caret (or after the text), and keeps everything already
// there: the text composed from the co-executors' parts and whatever was typed and not saved yet. Placeholders the
// server could not fill stay visible and are named, so the person writes them in; the server will not send them.
// Without JavaScript (or when the request fails) the form asks the server for the card instead.
(function () {
  const form = document.querySelector('form[data-answer-template]');
  const answer = document.getElementById('answer-text');
  if (!form || !answer) return;
  const status = form.querySelector('[data-template-status]');
  let caret = null;
  answer.addEventListener('blur', () => { caret = answer.selectionStart; });

  function insert(text) {
    const current = answer.value;
    const at = caret !== null && caret < current.trimEnd().length ? caret : current.length;
    const before = current.slice(0, at).replace(/\s+$/, '');
    const after = current.slice(at).replace(/^\s+/, '');
    answer.value = [before, text, after].filter((part) => part.length > 0).join('\n\n');
    const start = before.length === 0 ? 0 : before.length + 2;
    answer.focus();
    answer.setSelectionRange(start, start + text.length);
    answer.dispatchEvent(new Event('input', { bubbles: true }));
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const id = form.querySelector('select').value;
    try {
      const response = await fetch('/api/v1/knowledge/templates/' + encodeURIComponent(id) + '/filled?appealId=' + encodeURIComponent(form.dataset.appeal),
        { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (!response.ok) throw new Error(String(response.status));
      const { text } = await response.json();
      insert(text);
      const left = [...new Set(text.match(/\{[^{}\s]{1,40}\}/g) || [])];
      status.textContent = left.length === 0 ? 'Шаблон вставлен в ответ.'
        : 'Шаблон вставлен в ответ. Впишите вместо полей текст: ' + left.join(', ') + ' — с ними ответ не отправится.';
    } catch {
      form.submit();
    }
  });
})();
