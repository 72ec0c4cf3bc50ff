// Keyboard shortcuts of the office (documented on /office/help). Keys are read by their place on the keyboard
// (event.code), so they work the same with the Russian layout on: «j» is the key of «о». Nothing fires while the person
// types in a field, except Ctrl+Enter, which sends the form they are typing in.
(function () {
  var queues = { KeyO: '/office', KeyM: '/office/moderation', KeyD: '/office/dispatch', KeyI: '/office/my', KeyC: '/office/control',
    KeyA: '/office/appeals', KeyR: '/office/register', KeyN: '/office/notices', KeyP: '/office/parts', KeyS: '/office/steps',
    KeyK: '/office/knowledge', KeyH: '/office/help' };
  var pendingG = 0;
  var current = -1;

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
  }

  // The rows of the page's list of appeals: each row of the main tables that links to an appeal's card.
  function rows() {
    var all = document.querySelectorAll('main table tbody tr');
    var found = [];
    for (var i = 0; i < all.length; i++) if (link(all[i])) found.push(all[i]);
    return found;
  }
  function link(row) { return row.querySelector('a[href^="/office/appeals/"], a[href^="/office/moderation/"], a[data-open]'); }

  function move(by) {
    var list = rows();
    if (list.length === 0) return false;
    if (current >= 0 && list[current]) list[current].classList.remove('kb-current');
    current = current < 0 ? (by > 0 ? 0 : list.length - 1) : Math.max(0, Math.min(list.length - 1, current + by));
    var row = list[current];
    row.classList.add('kb-current');
    // The row's link takes the focus: Enter then opens it, as a click would, and a screen reader reads it.
    link(row).focus();
    return true;
  }

  function search() {
    var field = document.querySelector('main [data-shortcut-search], main input[type=search], main input[name=q]');
    if (!field) return false;
    field.focus();
    if (field.select) field.select();
    return true;
  }

  // The actions of the card (<details class="action">, the open one being the next likely action) and of the moderator's
  // screen (<form class="action">, the first being «Принять и зарегистрировать»).
  function actions() { return document.querySelectorAll('main details.action, main form.action'); }
  function focusAction(action) {
    if (action.tagName === 'DETAILS') action.open = true;
    var field = action.querySelector('textarea, select, input:not([type=hidden]), button');
    (field || action.querySelector('summary')).focus();
    action.scrollIntoView({ block: 'nearest' });
  }
  function nextAction() {
    var list = actions();
    if (list.length === 0) return false;
    for (var i = 0; i < list.length; i++) if (list[i].tagName === 'DETAILS' && list[i].open) { focusAction(list[i]); return true; }
    focusAction(list[0]);
    return true;
  }
  function toggle(id) {
    var d = document.getElementById(id);
    if (!d) return false;
    d.open = !d.open;
    if (d.open) d.querySelector('summary').focus();
    return true;
  }

  document.addEventListener('keydown', function (e) {
    if (e.defaultPrevented || e.altKey || e.metaKey) return;
    if (e.ctrlKey) {
      // Ctrl+Enter: send the form being typed in (the answer, a comment), as in mail programs.
      if ((e.key === 'Enter' || e.code === 'Enter') && typing(e.target) && e.target.form) {
        e.preventDefault();
        if (e.target.form.requestSubmit) e.target.form.requestSubmit(); else e.target.form.submit();
      }
      return;
    }
    if (typing(e.target)) {
      // Esc leaves the field, so that the next key is a shortcut again.
      if (e.key === 'Escape') e.target.blur();
      return;
    }

    if (pendingG && Date.now() - pendingG < 1500) {
      pendingG = 0;
      if (queues[e.code]) { e.preventDefault(); window.location.href = queues[e.code]; }
      return;
    }
    pendingG = 0;

    var done = false;
    switch (e.code) {
      case 'KeyG': if (!e.shiftKey) { pendingG = Date.now(); done = true; } break;
      case 'Slash': done = e.shiftKey ? (window.location.href = '/office/help', true) : search(); break;
      case 'KeyJ': case 'ArrowDown': done = move(1); break;
      case 'KeyK': case 'ArrowUp': done = move(-1); break;
      case 'KeyX': {
        var list = rows();
        var box = current >= 0 && list[current] ? list[current].querySelector('input[type=checkbox]') : null;
        if (box) { box.click(); done = true; }
        break;
      }
      case 'KeyA': done = nextAction(); break;
      case 'KeyH': done = toggle('history'); break;
      case 'KeyI': done = toggle('card-details'); break;
      default:
        if (/^Digit[1-9]$/.test(e.code)) {
          var n = +e.code.slice(5) - 1;
          var list2 = actions();
          if (list2[n]) { focusAction(list2[n]); done = true; }
        }
    }
    if (done) e.preventDefault();
  });
})();
