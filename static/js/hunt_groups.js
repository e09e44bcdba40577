// Hunt group members: reorder by drag and drop. The list is a plain form; each row carries a
// hidden "order" input, so moving the rows and submitting with the "reorder" button posts the
// new order. Without JavaScript the arrow buttons do the same, one place at a time.
(function () {
  "use strict";

  function orderOf(list) {
    return Array.from(list.querySelectorAll("[data-member]")).map(function (row) {
      return row.getAttribute("data-member");
    });
  }

  function setUp(list) {
    var form = list.closest("form");
    var submit = form && form.querySelector("#reorder-submit");
    if (!submit) {
      return;
    }
    var dragged = null;
    var before = "";

    list.addEventListener("dragstart", function (event) {
      var row = event.target.closest("[data-member]");
      if (!row) {
        return;
      }
      dragged = row;
      before = orderOf(list).join(",");
      row.classList.add("opacity-50");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.getAttribute("data-member"));
    });

    list.addEventListener("dragover", function (event) {
      if (!dragged) {
        return;
      }
      event.preventDefault();
      var target = event.target.closest("[data-member]");
      if (!target || target === dragged) {
        return;
      }
      var box = target.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? target.nextSibling : target);
    });

    function finish(event) {
      if (!dragged) {
        return;
      }
      event.preventDefault();
      dragged.classList.remove("opacity-50");
      dragged = null;
      if (orderOf(list).join(",") !== before) {
        form.requestSubmit(submit);
      }
    }

    list.addEventListener("drop", finish);
    list.addEventListener("dragend", finish);
  }

  document.querySelectorAll("[data-sortable-members]").forEach(setUp);
})();
