const { unitConfig } = require('../../jest.preset');

module.exports = unitConfig(__dirname);
