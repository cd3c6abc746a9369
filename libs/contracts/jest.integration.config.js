const { integrationConfig } = require('../../jest.preset');

module.exports = integrationConfig(__dirname);
