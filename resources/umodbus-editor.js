/**
 * Editor code the five umodbus node types share: setting validators and the data type and byte
 * order lists. Each nodes/<type>.html loads it with
 *   <script src="resources/@umodbus/node-red/umodbus-editor.js"></script>
 * (Node-RED serves a package's resources/ folder there and runs the node's own script only once
 * it has loaded), so every node set works alone even when the others are disabled.
 */
(function () {
    'use strict';
    if (window.UmodbusEditor) { return; }

    var DATA_TYPES = ['uint16', 'int16', 'uint32', 'int32', 'float32', 'float64', 'int64', 'uint64', 'string', 'bool'];
    var BYTE_ORDERS = ['ABCD', 'CDAB', 'BADC', 'DCBA'];

    // A setting missing from an imported or hand-written flow (undefined) takes the runtime's
    // default, so it is valid; only what the user typed is checked.

    /** Integer in [min, max]; an empty field is fine too when `optional`. */
    function intIn(min, max, optional) {
        return function (v) {
            if (v === undefined || (optional && v === '')) { return true; }
            var n = Number(v);
            return String(v).trim() !== '' && Number.isInteger(n) && n >= min && n <= max;
        };
    }

    /** A list like "1, 2, 10-12" of integers up to max; empty means any. */
    function intList(max) {
        return function (v) {
            if (v === undefined || String(v).trim() === '') { return true; }
            return String(v).split(',').every(function (part) {
                var m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
                return !!m && Number(m[1]) <= max && (m[2] === undefined || (Number(m[2]) <= max && Number(m[2]) >= Number(m[1])));
            });
        };
    }

    /** One of `values` (compared as numbers when they are numbers: function codes). */
    function oneOf(values) {
        return function (v) {
            if (v === undefined) { return true; }
            return values.indexOf(typeof values[0] === 'number' ? Number(v) : v) >= 0;
        };
    }

    /** A JSON object (the memory map); empty is fine. */
    function jsonObject(v) {
        if (v === undefined || String(v).trim() === '') { return true; }
        try {
            var o = JSON.parse(v);
            return typeof o === 'object' && o !== null && !Array.isArray(o);
        } catch {
            return false;
        }
    }

    /** Text that must not be blank, unless `skip` says the field is not used. */
    function textUnless(skip) {
        return function (v) { return skip.call(this) || v === undefined || (typeof v === 'string' && v.trim() !== ''); };
    }

    /**
     * Fill the data type and byte order selects of an open dialog and show the node's values.
     * Node-RED sets the inputs before oneditprepare, when these selects have no options yet.
     */
    function fillTypeSelects(node, prefix) {
        var type = $('#' + prefix + '-dataType').empty();
        DATA_TYPES.forEach(function (t) { $('<option>').val(t).text(t).appendTo(type); });
        type.val(node.dataType === undefined ? 'uint16' : node.dataType);
        var order = $('#' + prefix + '-byteOrder').empty();
        BYTE_ORDERS.forEach(function (o) { $('<option>').val(o).text(node._(node.type + '.byteOrder.' + o)).appendTo(order); });
        order.val(node.byteOrder === undefined ? 'ABCD' : node.byteOrder);
    }

    window.UmodbusEditor = {
        DATA_TYPES: DATA_TYPES,
        BYTE_ORDERS: BYTE_ORDERS,
        intIn: intIn,
        intList: intList,
        oneOf: oneOf,
        jsonObject: jsonObject,
        textUnless: textUnless,
        fillTypeSelects: fillTypeSelects
    };
})();
