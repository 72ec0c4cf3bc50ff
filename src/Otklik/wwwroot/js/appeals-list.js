// The topic list offers only the topics of the chosen category (the server does the same when the page loads).
(function () {
  var category = document.getElementById('f-category');
  var topic = document.getElementById('f-topic');
  if (!category || !topic) return;
  category.addEventListener('change', function () {
    var groups = topic.querySelectorAll('optgroup[data-category]');
    for (var i = 0; i < groups.length; i++) {
      var other = category.value !== '' && groups[i].getAttribute('data-category') !== category.value;
      groups[i].disabled = other;
      groups[i].hidden = other;
    }
    var selected = topic.options[topic.selectedIndex];
    if (selected && selected.parentElement.disabled) topic.value = '';
  });
})();
